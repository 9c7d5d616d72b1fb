"""Messy HTML pages for the HTML extractor's golden comparison (``bench/html_golden.py``).

``page(seed)`` draws one page, deterministically, from what government CMS pages are made of and what breaks
parsers and text extraction: site chrome under many class names, hidden elements, comments, processing
instructions and Word debris (``<?xml:namespace?>``, ``<o:p>``, conditional comments, escaped mso styles),
scripts and templates in odd places, ``<pre>`` and whitespace-only text, ruby, mis-nested and unclosed tags,
tables with every kind of span (``0``, huge, ``"2px"``, non-ASCII digits), captions, nested and layout tables,
hidden and chrome-named cells, images and attachment links, metadata in ``<meta>`` and in the text, and the
GB encodings. It is not a test by itself: two implementations must give the same ``Document`` for it.
"""

from __future__ import annotations

import random
from html import escape

CLASSES = [
    "", "", "", "nav", "top", "share-box", "bdsharebuttonbox", "position", "main", "content", "TRS_Editor",
    "zoom", "article", "text", "header", "footer", "side-bar", "d-print-none", "position-relative", "info",
    "con", "detail", "list", "Custom_UnionStyle", "wzzw", "print", "tools", "related", "MsoNormal",
    "MsoNormalTable", "title", "xxgk_content", "content_text main", "nav content", "trs_editor zoom",
]  # fmt: skip
HIDING = ["", "", "", "", " hidden", ' aria-hidden="true"', ' style="display:none"',
          ' style="DISPLAY: none; color:red"', ' style="visibility : hidden"', ' aria-hidden="TRUE"']  # fmt: skip
WORDS = [
    "政府信息公开", "年度报告", "工作年度报告", "行政处罚", "规章", "本年新制作数量", "商业企业", "总计",
    "（一）予以公开", "三、本年度办理结果", "朱镕基路", "喆", "某局", "Open Data", "Total count", "见附件",
    "发布日期：2023-01-18", "发布时间: 2022年3月4日", "成文日期：2021/02/30", "2020-12-31", "来源：市统计局",
]  # fmt: skip
NUMBERS = ["0", "12", "1,234", "25万元", "3%", "-18", "+7", "1 000", "０", "251000元", "0.5", "12件", "٣"]
SPACES = ["", " ", "\n", "  \n  ", "\t", "\xa0", "\u3000", "&nbsp;", "&#12288;", " \r\n\t "]
DEBRIS = [
    "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->",
    "<!--[if !supportLists]-->1.<!--[endif]-->",
    "&lt;!--[if gte mso 9]&gt;&lt;xml&gt;&lt;w:WordDocument&gt;&lt;/w:WordDocument&gt;&lt;/xml&gt;&lt;![endif]--&gt;",
    "&lt;!--[if !supportLists]--&gt;2.&lt;!--[endif]--&gt;",
    "/* Style Definitions */ table.MsoNormalTable {mso-style-name:普通表格; mso-tstyle-rowband-size:0;}",
    '<?xml:namespace prefix = o ns = "urn:schemas-microsoft-com:office:office" />',
    "<o:p></o:p>", "<o:p>&nbsp;</o:p>", "<st1:chsdate year=\"2020\" w:st=\"on\">2020年1月1日</st1:chsdate>",
    "<!-- 注释 12 -->", "<![CDATA[数据 5]]>", "<?php echo 1; ?>", "<!DOCTYPE html>", "<!>", "<!-->",
    "&unknown; &amp; &lt;p&gt; &#0; &#xD800; &#65;",
    "<!doctype html>", '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
    "<!-- <!DOCTYPE html> -->", '<a title="<!DOCTYPE html>" href="/x.pdf">附件</a>', " \n <!DocType x> \t ",
    '<rt class="content">注音 12</rt>', "<rp class=\"nav\">(</rp>", "<textarea>  a\n  </textarea>",
    "<template><p>模板 5</p></template>", "<title>正文里的标题 2020-01-01</title>",
]  # fmt: skip
SPANS = ["", "", "", "", "1", "2", "3", "0", "2px", " 3", "x", "٣", "1000000", "-1", "2.5", ""]
SRCS = ["/pic/t2.jpg", "/images/icon_share.png", "data:image/png;base64,xx", "", "  ", "/upload/a.PNG",
        "http://x.gov.cn/logo.gif", "/pic/table3.jpeg"]  # fmt: skip
HREFS = ["/files/P020230120.pdf", "report.docx", "/a.xls?x=1", "javascript:void(0)", "#", "", " /b.wps ",
         "/col/nb/index.html", "http://x.gov.cn/2021年度报告.pdf", "../f.OFD"]  # fmt: skip


class _Page:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"html-fuzz:{seed}")
        self.budget = self.rng.choice([40, 120, 400, 1500])

    def pick(self, xs: list[str]) -> str:
        return xs[self.rng.randrange(len(xs))]

    def attrs(self, hiding: bool = True) -> str:
        out = ""
        if self.rng.random() < 0.35:
            out += f' class="{self.pick(CLASSES)}"'
        if self.rng.random() < 0.1:
            out += f' id="{self.pick(CLASSES)}"'
        if hiding and self.rng.random() < 0.2:
            out += self.pick(HIDING)
        if self.rng.random() < 0.05:
            out += ' class="dup" class="nav"'
        return out

    def text(self) -> str:
        r = self.rng.random()
        if r < 0.3:
            return self.pick(SPACES)
        if r < 0.55:
            return self.pick(NUMBERS)
        if r < 0.62:
            return self.pick(DEBRIS)
        if r < 0.66:
            return "本机关认真贯彻落实条例。" * self.rng.randint(10, 40)
        words = [self.pick(WORDS) for _ in range(self.rng.randint(1, 3))]
        return self.pick(SPACES).join(escape(w) for w in words)

    def inline(self, depth: int) -> str:
        self.budget -= 1
        r = self.rng.random()
        if depth > 6 or self.budget <= 0 or r < 0.45:
            return self.text()
        if r < 0.5:
            return "<br>" if self.rng.random() < 0.8 else "</br>"
        if r < 0.55:
            width = self.pick(["", ' width="640"', ' width="20"', ' height="99px"', ' width="x"'])
            src = self.pick(["src", "data-src", "original"])
            return f'<img {src}="{self.pick(SRCS)}"{width}>'
        if r < 0.62:
            title = f' title="{self.pick(WORDS)}"' if self.rng.random() < 0.3 else ""
            href = f' href="{self.pick(HREFS)}"' if self.rng.random() < 0.9 else ""
            return f"<a{href}{title}{self.attrs()}>{self.inlines(depth + 1)}</a>"
        if r < 0.65:
            return f"<ruby>{self.text()}<rp>(</rp><rt>{self.text()}</rt><rp>)</rp></ruby>"
        name = self.pick(["span", "strong", "b", "font", "em", "o:p", "u", "sup", "label", "small"])
        close = f"</{name}>" if self.rng.random() < 0.9 else ""
        return f"<{name}{self.attrs()}>{self.inlines(depth + 1)}{close}"

    def inlines(self, depth: int) -> str:
        return "".join(self.inline(depth) for _ in range(self.rng.randint(0, 3)))

    def block(self, depth: int) -> str:
        self.budget -= 1
        r = self.rng.random()
        if depth > 7 or self.budget <= 0:
            return self.inline(depth)
        if r < 0.25:
            name = self.pick(["p", "p", "div", "h1", "h3", "li", "center", "section", "blockquote", "dd"])
            close = f"</{name}>" if self.rng.random() < 0.85 else ""
            return f"<{name}{self.attrs()}>{self.mixed(depth + 1)}{close}"
        if r < 0.4:
            name = self.pick(["div", "div", "article", "main", "section", "ul", "form"])
            return f"<{name}{self.attrs()}>{self.blocks(depth + 1)}</{name}>"
        if r < 0.55:
            return self.table(depth + 1)
        if r < 0.6:
            name = self.pick(["nav", "aside", "header", "footer"])
            inner = self.table(depth + 1) if self.rng.random() < 0.3 else self.blocks(depth + 1)
            return f"<{name}{self.attrs()}>{inner}</{name}>"
        if r < 0.66:
            name = self.pick(["script", "style", "noscript", "template", "iframe", "button", "select",
                              "textarea", "object", "svg", "map", "xml", "input", "meta", "link"])  # fmt: skip
            inner = self.pick(['var a = "<p>x</p>"; 12', ".nav{color:red}", self.mixed(depth + 1), ""])
            return f"<{name}{self.attrs()}>{inner}</{name}>"
        if r < 0.69:
            return f"<pre{self.attrs()}>  {self.text()}\n\n   {self.inlines(depth + 1)}  \n</pre>"
        if r < 0.72:
            return self.pick(DEBRIS)
        if r < 0.735:
            return self.whitespace_heavy(depth + 1)
        if r < 0.74:
            return self.pick(["<hr>", "</p>", "</div>", "</table>", "</td>", "<p><p>", "<html>", "<body>",
                              "</body>", "<head><title>二</title></head>", "<tr><td>5</td></tr>"])  # fmt: skip
        return self.mixed(depth + 1)

    def whitespace_heavy(self, depth: int) -> str:
        """A chrome-named element near 3000 characters once BeautifulSoup collapses whitespace-only text."""
        n = self.rng.randint(700, 1600)
        gap = self.pick(["   \n   ", "\t\t", "\n", " "])
        inner = gap.join("<b>字</b>" for _ in range(n))
        return f'<div class="{self.pick(["nav", "share", "sidebar"])}">{inner}</div>'

    def blocks(self, depth: int) -> str:
        return self.pick(SPACES[:5]).join(self.block(depth) for _ in range(self.rng.randint(1, 4)))

    def mixed(self, depth: int) -> str:
        return "".join(
            self.block(depth) if self.rng.random() < 0.3 else self.inline(depth)
            for _ in range(self.rng.randint(0, 4))
        )

    def cell(self, depth: int) -> str:
        r = self.rng.random()
        if r < 0.45:
            return self.pick(NUMBERS)
        if r < 0.55:
            return self.pick(SPACES)
        if r < 0.62 and depth < 5:
            return self.pick(["", "明细见下表"]) + self.table(depth + 1)
        if r < 0.66:
            return f'<span class="{self.pick(CLASSES)}">{self.pick(NUMBERS)}</span>'
        if r < 0.7:
            return f"<p>{self.pick(WORDS)}</p><p>{self.pick(WORDS)}</p>"
        return self.mixed(depth + 1)

    def table(self, depth: int) -> str:
        self.budget -= 5
        n_rows = self.rng.choice([0, 1, 2, 3, 4, 6, 10])
        n_cols = self.rng.choice([1, 2, 2, 3, 4, 7])
        rows = []
        for _ in range(n_rows):
            tds = []
            for _ in range(self.rng.randint(max(0, n_cols - 2), n_cols)):
                tag = "th" if self.rng.random() < 0.1 else "td"
                span = ""
                if self.rng.random() < 0.3:
                    span += f' rowspan="{self.pick(SPANS)}"'
                if self.rng.random() < 0.3:
                    span += f' colspan="{self.pick(SPANS)}"'
                close = f"</{tag}>" if self.rng.random() < 0.9 else ""
                tds.append(f"<{tag}{span}{self.attrs()}>{self.cell(depth)}{close}")
            stray = self.text() if self.rng.random() < 0.05 else ""
            rows.append(f"<tr{self.attrs(hiding=False)}>{stray}{''.join(tds)}</tr>")
        body = "\n".join(rows)
        r = self.rng.random()
        if r < 0.4:
            body = f"<tbody>{body}</tbody>"
        elif r < 0.5 and rows:
            body = f"<thead>{rows[0]}</thead><tbody>{''.join(rows[1:])}</tbody>"
        caption = ""
        if self.rng.random() < 0.15:
            caption = f"<caption>{self.pick(WORDS)}{self.pick(SPACES)}表{self.rng.randint(1, 4)}</caption>"
        if caption and self.rng.random() < 0.3:
            body, caption = body + caption, ""
        attrs = self.attrs(hiding=self.rng.random() < 0.3)
        return f'<table border="1"{attrs}>{caption}{body}</table>'

    def head(self) -> str:
        parts = []
        if self.rng.random() < 0.7:
            charset = self.pick(["utf-8", "UTF-8", "gb2312", "gbk", "iso-8859-1"])
            parts.append(f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
        for _ in range(self.rng.randint(0, 4)):
            key = self.pick(["name", "property", "itemprop", "name"])
            name = self.pick(["ArticleTitle", "og:title", "PubDate", "pubdate ", "dc.date", "title",
                              "keywords", "publishdate", "FirstPublishedTime", ""])  # fmt: skip
            value = self.pick(["2023-01-20 09:30", "某局2022年度政府信息公开工作年度报告", "", " ",
                               "2022年13月40日", "2019/1/2", "xx"])  # fmt: skip
            parts.append(f'<meta {key}="{name}" content="{value}">')
        if self.rng.random() < 0.8:
            title = self.pick(["某局2022年度政府信息公开工作年度报告_某市人民政府", "首页 | 某局",
                               "关于开展培训的通知--某局", "  ", "年报 - 2021 - 某区", "a\n b"])  # fmt: skip
            parts.append(f"<title>{title}</title>")
        if self.rng.random() < 0.2:
            parts.append(f'<base href="{self.pick(["http://x.gov.cn/col/", "/root/", ""])}">')
        if self.rng.random() < 0.5:
            parts.append("<script>var a = '<table><tr><td>1</td></tr></table>';</script>")
        if self.rng.random() < 0.3:
            parts.append("<style>.nav { color: red }</style>")
        return "".join(parts)

    def render(self) -> bytes:
        shape = self.rng.random()
        body = self.blocks(0)
        if shape < 0.03:
            html = self.pick(
                ["", "   \n", "<!-- only a comment -->", "<html></html>", "<head><title>t</title></head>"]
            )
        elif shape < 0.08:
            # No <body>: the head only, with what surrounds <html>.
            parts = [self.pick(["<!DOCTYPE html>", "", "<!-- a -->", "<?xml version='1.0'?>", " \n "])]
            parts.append(f"<html><head>{self.head()}</head></html>")
            parts += [
                self.pick(["", "\n", "<!-- b -->", "<!DOCTYPE x>", "  \t", "<title>尾标题</title>"])
                for _ in range(3)
            ]
            html = self.pick([" ", "\n", ""]).join(parts)
        elif shape < 0.3:
            html = body
        else:
            doctype = self.pick(["<!DOCTYPE html>\n", "", '<?xml version="1.0" encoding="utf-8"?>\n'])
            after = self.pick(["", "", "<p>尾部 12</p>", "<!-- end -->"])
            html = f"{doctype}<html><head>{self.head()}</head>\n<body{self.attrs()}>\n{body}\n</body></html>{after}"
        if self.rng.random() < 0.02:
            html = html.replace("</p>", "\x00</p>", 1)
        if self.rng.random() < 0.15:
            return html.encode("gb18030", errors="replace")
        return html.encode("utf-8", errors="surrogatepass")


def page(seed: int) -> bytes:
    """One messy page (bytes, mostly UTF-8, sometimes GB18030)."""
    return _Page(seed).render()
