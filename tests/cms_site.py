"""Test helpers for the HTML extractor and the fetchers: report pages as government CMSs serve them, and a
local HTTP server (127.0.0.1 only) that imitates such a site.

The 2021-format tables are written with the template's real spans (the layout of the national template:
三、本年度办理结果 as a vertical cell over 22 rows, （三）（四）（五）（六） as vertical group cells, the
3-level applicant header, table 四's two-level header).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "html"
SHANGHAI = FIXTURES / "shanghai-govoffice-2019.html"

T3_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
              "legal_service_org", "other_org", "total")  # fmt: skip
# (row key, label, group label or None, level)
T3_ROWS_2021: list[tuple[str, str, str | None]] = [
    ("granted", "（一）予以公开", None),
    ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("denied_state_secret", "1.属于国家秘密", "（三）不予公开"),
    ("denied_other_law", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    ("denied_three_security_one_stability", "3.危及“三安全一稳定”", "（三）不予公开"),
    ("denied_third_party", "4.保护第三方合法权益", "（三）不予公开"),
    ("denied_internal_affairs", "5.属于三类内部事务信息", "（三）不予公开"),
    ("denied_process_info", "6.属于四类过程性信息", "（三）不予公开"),
    ("denied_enforcement_file", "7.属于行政执法案卷", "（三）不予公开"),
    ("denied_admin_query", "8.属于行政查询事项", "（三）不予公开"),
    ("unable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    ("unable_need_creation", "2.没有现成信息需要另行制作", "（四）无法提供"),
    ("unable_unclear", "3.补正后申请内容仍不明确", "（四）无法提供"),
    ("not_processed_petition", "1.信访举报投诉类申请", "（五）不予处理"),
    ("not_processed_duplicate", "2.重复申请", "（五）不予处理"),
    ("not_processed_publication", "3.要求提供公开出版物", "（五）不予处理"),
    ("not_processed_massive", "4.无正当理由大量反复申请", "（五）不予处理"),
    ("not_processed_confirm", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
    (
        "other_overdue_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    (
        "other_overdue_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    ("other_other", "3.其他", "（六）其他处理"),
    ("results_total", "（七）总计", None),
]


def _td(text: object, **attrs: object) -> str:
    a = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<td{a}><p>{text}</p></td>"


def tables_2021(t2: dict[str, object], t3: dict[str, list[object]], t4: list[object]) -> str:
    """Tables 二, 三 and 四 of the 2021 template with its real spans. Missing values print as 0."""

    def v(key: str) -> object:
        return t2.get(key, 0)

    two = ['<table border="1" cellspacing="0"><tbody>']
    two.append(f"<tr>{_td('第二十条第（一）项', colspan=4)}</tr>")
    two.append(
        "<tr>"
        + "".join(_td(x) for x in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"))
        + "</tr>"
    )
    for key, label in (("rules", "规章"), ("normative_docs", "行政规范性文件")):
        two.append(
            "<tr>"
            + _td(label)
            + "".join(_td(v(f"art20_1.{key}.{c}")) for c in ("issued", "repealed", "in_force"))
            + "</tr>"
        )
    for item, caption, col, rows in (
        ("art20_5", "第二十条第（五）项", "本年处理决定数量", [("admin_license", "行政许可")]),
        (
            "art20_6",
            "第二十条第（六）项",
            "本年处理决定数量",
            [("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制")],
        ),
        ("art20_8", "第二十条第（八）项", "本年收费金额（单位：万元）", [("admin_fees", "行政事业性收费")]),
    ):
        colkey = "fee_amount" if item == "art20_8" else "decisions"
        two.append(f"<tr>{_td(caption, colspan=4)}</tr>")
        two.append(f"<tr>{_td('信息内容')}{_td(col, colspan=3)}</tr>")
        for key, label in rows:
            two.append(f"<tr>{_td(label)}{_td(v(f'{item}.{key}.{colkey}'), colspan=3)}</tr>")
    two.append("</tbody></table>")

    def values(row: str) -> str:
        vals = t3.get(row, [0] * 7)
        return "".join(_td(x) for x in vals)

    three = ['<table border="1" cellspacing="0"><tbody>']
    three.append(
        "<tr>"
        + _td(
            "（本列数据的勾稽关系为：第一项加第二项之和，<br>等于第三项加第四项之和）", colspan=3, rowspan=3
        )
        + _td("申请人情况", colspan=7)
        + "</tr>"
    )
    three.append(
        f"<tr>{_td('自然人', rowspan=2)}{_td('法人或其他组织', colspan=5)}{_td('总计', rowspan=2)}</tr>"
    )
    three.append(
        "<tr>"
        + "".join(_td(x) for x in ("商业<br>企业", "科研<br>机构", "社会公益组织", "法律服务机构", "其他"))
        + "</tr>"
    )
    three.append(f"<tr>{_td('一、本年新收政府信息公开申请数量', colspan=3)}{values('new_received')}</tr>")
    three.append(f"<tr>{_td('二、上年结转政府信息公开申请数量', colspan=3)}{values('carried_over')}</tr>")
    groups = Counter(g for _k, _l, g in T3_ROWS_2021 if g)
    seen: set[str] = set()
    for i, (key, label, group) in enumerate(T3_ROWS_2021):
        lead = _td("三、本年度办理结果", rowspan=len(T3_ROWS_2021)) if i == 0 else ""
        if group is None:
            cells = _td(label, colspan=2)
        elif group not in seen:
            seen.add(group)
            cells = _td(group, rowspan=groups[group]) + _td(label)
        else:
            cells = _td(label)
        three.append(f"<tr>{lead}{cells}{values(key)}</tr>")
    three.append(f"<tr>{_td('四、结转下年度继续办理', colspan=3)}{values('carry_forward')}</tr>")
    three.append("</tbody></table>")

    leaves = ("结果<br>维持", "结果<br>纠正", "其他<br>结果", "尚未<br>审结", "总计")
    four = ['<table border="1" cellspacing="0"><tbody>']
    four.append(f"<tr>{_td('行政复议', colspan=5)}{_td('行政诉讼', colspan=10)}</tr>")
    four.append(
        "<tr>"
        + "".join(_td(x, rowspan=2) for x in leaves)
        + _td("未经复议直接起诉", colspan=5)
        + _td("复议后起诉", colspan=5)
        + "</tr>"
    )
    four.append("<tr>" + "".join(_td(x) for x in leaves * 2) + "</tr>")
    four.append("<tr>" + "".join(_td(x) for x in t4) + "</tr>")
    four.append("</tbody></table>")
    return (
        "<p>二、主动公开政府信息情况</p>"
        + "".join(two)
        + "<p>三、收到和处理政府信息公开申请情况</p>"
        + "".join(three)
        + "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
        + "".join(four)
    )


# 嘉兴市统计局 2022 (corpus/jiaxing-stats-2022.txt), values read by hand from that rendering.
JIAXING_T2: dict[str, object] = {"art20_6.admin_penalty.decisions": 13}
JIAXING_T3: dict[str, list[object]] = {
    "new_received": [20, 0, 0, 0, 0, 0, 20],
    "granted": [20, 0, 0, 0, 0, 0, 20],
    "results_total": [20, 0, 0, 0, 0, 0, 20],
}
JIAXING_TITLE = "嘉兴市统计局2022年度政府信息公开工作年度报告"


def report_body(
    title: str = JIAXING_TITLE,
    who: str = "市统计局",
    year: int = 2022,
    t2: dict[str, object] | None = None,
    t3: dict[str, list[object]] | None = None,
    t4: list[object] | None = None,
) -> str:
    """A report body as an editor pastes it into a CMS; by default 嘉兴市统计局's 2022 report (prose
    abridged)."""
    t3 = JIAXING_T3 if t3 is None else t3
    received = t3.get("new_received", [0] * 7)[-1]
    return (
        f"<p style='text-align:center'><strong>{title}</strong></p>"
        f"<p>　　{year}年，{who}在省统计局、市政府政务信息公开处的正确领导下，依法开展政务公开工作。</p>"
        f"<p>一、总体情况</p><p>（一）主动公开情况。</p>"
        f"<p>{year}年，{who}主动公开信息219条，其中通知公告72条，工作动态75条。</p>"
        "<p>（二）依申请公开情况。</p>"
        f"<p>{year}年，{who}收到依申请公开{received}件。</p>"
        + tables_2021(JIAXING_T2 if t2 is None else t2, t3, [0] * 15 if t4 is None else t4)
        + "<p>五、存在的主要问题及改进情况</p><p>一是政府信息公开与群众的要求还存在差距。</p>"
        f"<p>六、其他需要报告的事项</p><p>{year}年{who}未收取政府信息公开相关处理费。</p>"
    )


def jiaxing_body() -> str:
    return report_body()


def cms_page(
    title: str,
    body: str,
    *,
    published: str = "2023-01-20",
    charset: str = "utf-8",
    container: str = '<div class="TRS_Editor" id="zoom">{}</div>',
) -> str:
    """An article page as a TRS-style CMS serves it: head, navigation, breadcrumb, an info bar with the
    publication date, the article container, share and print buttons, related links, footer, scripts."""
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_嘉兴市统计局</title>
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{published} 09:30">
<style>.nav {{ color: red }} body {{ font-size: 14px }}</style>
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
</head><body>
<div class="header"><div class="logo"><img src="/images/logo.png" width="300"></div>
<div class="search"><input type="text" value="搜索"><button>搜索</button></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/col/">政务公开</a></li>
<li><a href="/col/nb/index.html">政府信息公开年报</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/nb/index.html">年报</a></div>
<div class="article">
<h1 class="title">{title}</h1>
<div class="info">发布日期：{published} &nbsp; 来源：市统计局 <span class="print"><a href="javascript:window.print()">打印本页</a></span></div>
{container.format(body)}
<div class="bdsharebuttonbox"><a class="bds_weixin" href="#">分享到微信</a><a class="bds_tsina">微博</a></div>
<div style="display:none">隐藏的统计脚本文字 12345</div>
<div class="related"><h3>相关链接</h3><a href="/col/nb/2021.html">2021年度报告</a></div>
</div>
<div class="footer"><p>主办单位：嘉兴市统计局 地址：嘉兴市 电话：0573-12345678</p>
<p>网站标识码 3304000001 浙ICP备12345678号</p></div>
<script src="/js/share.js"></script>
</body></html>"""


# -- the local CMS -------------------------------------------------------------------------------------


@dataclass
class Route:
    """What the server answers for one path."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    #: Answer 500 this many times before answering normally.
    fail_first: int = 0
    #: Seconds to wait before answering (a slow endpoint).
    delay: float = 0.0
    #: Redirect target (a 301 to this path).
    location: str | None = None
    #: Send ETag/Last-Modified and answer conditional GETs with 304.
    validators: bool = True


@dataclass
class CmsSite:
    """A threaded HTTP server on 127.0.0.1 serving ``routes``; counts what it served."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    bodies: Counter[str] = field(default_factory=Counter)  # 200 answers with a body
    not_modified: Counter[str] = field(default_factory=Counter)
    user_agents: set[str] = field(default_factory=set)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def reset_counts(self) -> None:
        with self.lock:
            self.hits.clear()
            self.bodies.clear()
            self.not_modified.clear()

    def start(self) -> CmsSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with site.lock:
                    site.hits[path] += 1
                    site.user_agents.add(self.headers.get("User-Agent", ""))
                    route = site.routes.get(path)
                    failing = route is not None and route.fail_first > 0
                    if failing and route is not None:
                        route.fail_first -= 1
                if route is None:
                    self._send(404, b"<html><body>404 Not Found</body></html>", "text/html")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if failing:
                    self._send(500, b"Internal Server Error", "text/plain")
                    return
                if route.location is not None:
                    self.send_response(301)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.status != 200:
                    self._send(route.status, route.body, route.content_type)
                    return
                etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                extra: dict[str, str] = {}
                if route.validators:
                    extra = {"ETag": etag, "Last-Modified": formatdate(1_600_000_000, usegmt=True)}
                    if self.headers.get("If-None-Match") == etag:
                        with site.lock:
                            site.not_modified[path] += 1
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                with site.lock:
                    site.bodies[path] += 1
                self._send(200, route.body, route.content_type, extra)

            def _send(
                self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
            ) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in (extra or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def page(self, path: str, html: str, *, encoding: str = "utf-8", **kw: object) -> None:
        ctype = kw.pop("content_type", f"text/html; charset={encoding}")
        self.routes[path] = Route(body=html.encode(encoding), content_type=str(ctype), **kw)  # type: ignore[arg-type]

    def file(self, path: str, data: bytes, content_type: str, **kw: object) -> None:
        self.routes[path] = Route(body=data, content_type=content_type, **kw)  # type: ignore[arg-type]


def index_page(title: str, links: list[tuple[str, str]], pager: str = "") -> str:
    """A column's list page: site chrome, a list of (href, link text), and a pager."""
    items = "".join(f'<li><a href="{h}" title="{t}">{t}</a><span>2023-01-20</span></li>' for h, t in links)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/col/notice/index.html">通知公告</a></div>
<div class="list"><ul>{items}</ul></div>
<div class="pager">{pager}</div>
<div class="footer">主办单位：某市人民政府办公室</div></body></html>"""


def create_page_html(count: int, current: int) -> str:
    return f'<script>createPageHTML({count}, {current}, "index", "html");</script>'


def wait_until(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.01)
    return check()
