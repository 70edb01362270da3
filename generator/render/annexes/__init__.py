"""The Excel annexes in the official layout: excel (the workbooks), layout and sheets."""
