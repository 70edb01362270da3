# Everyday verbs. Each target makes its own virtual environment from the pinned requirements.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RECORDS ?= records
# 数据截至 of the shipped 2019 example (README, 快速开始); empty: the last commit touching records/
AS_OF ?= 2019-05-24
AS_OF_ARG := $(if $(AS_OF),--as-of $(AS_OF))

.PHONY: build public validate test lint serve diff clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

build: $(VENV)/.runtime   ## 校验并生成网站 site/、附件和报告 dist/
	$(PY) -m generator build $(RECORDS) $(AS_OF_ARG)

public: $(VENV)/.runtime  ## 生成公开版网站 site-public/（不含普查对象和人员信息）
	$(PY) -m generator build $(RECORDS) --profile public $(AS_OF_ARG)

validate: $(VENV)/.runtime  ## 只校验记录
	$(PY) -m generator validate $(RECORDS)

test: $(VENV)/.dev  ## 运行全部测试
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(PY) -m ruff check generator tests
	$(PY) -m mypy

serve: $(VENV)/.runtime  ## 本机预览，改记录后自动刷新
	$(PY) -m generator serve $(RECORDS) $(AS_OF_ARG)

BASE ?= origin/main
diff: $(VENV)/.runtime  ## 与 $(BASE) 比较记录的改动
	$(PY) -m generator diff $(BASE)

clean:
	rm -rf site site-public dist .build .build-* .build.lock
