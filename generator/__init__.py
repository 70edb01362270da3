"""普查质量提升指导: YAML records → validation, site, annex workbooks and work report."""

__version__ = "0.1.0"
