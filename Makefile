# The two set-up commands of the README:
#   make         build every bundled solution document into output/
#   make test    run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
comma  := ,
# PDFs are built when TeX is installed; every other format builds without it.
HAVE_TEX := $(and $(shell command -v latexmk 2>/dev/null),$(shell command -v pdflatex 2>/dev/null))
FORMATS  := md,tex,json,txt$(if $(HAVE_TEX),$(comma)pdf)

# KaTeX and MathJax (package-lock.json) for the formula tests and the course site.
NPM      := $(shell command -v npm 2>/dev/null)
NODE_MODULES := $(if $(NPM),node_modules/.package-lock.json)

.PHONY: build test site clean

build: $(VENV)/.installed
	@# Bytecode for derive's own modules (an editable install has none; PYTHONDONTWRITEBYTECODE may forbid writing it on import).
	@$(BIN)/python -m compileall -q derive >/dev/null
	$(BIN)/derive build --format $(FORMATS)
ifeq ($(HAVE_TEX),)
	@echo "make: PDFs skipped: TeX is not installed (sudo apt-get install texlive-latex-base texlive-latex-recommended texlive-latex-extra lmodern latexmk)"
endif

test: $(VENV)/.installed $(NODE_MODULES)
	$(BIN)/python -m pytest -q

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,site]'
	touch $@

# The course site from output/: MkDocs Material, KaTeX served locally -> build/site/
site: build $(NODE_MODULES)
	$(BIN)/derive site --out build/site

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
