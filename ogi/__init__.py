"""ogi: China's government information-disclosure annual reports as clean, validated datasets."""

__version__ = "0.1.0"
