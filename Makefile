# Weave: set-up, build, render, test.  See README.md ("Quick start" and "By hand").
#
#   make site    install missing Debian packages, build (release), render notebooks/ to _site/
#   make test    install missing Debian packages, build, run the whole test suite
#
SWIFT   ?= swift
WEAVE   := .build/release/weave
DEB_PACKAGES := pkg-config libcmark-dev cmark libopenblas-dev liblapacke-dev libjs-katex bubblewrap

.PHONY: setup build site test unit-tests check-notebooks clean

# Installs the Debian packages the build needs, only when one is missing.
setup:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make setup: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Release build of `weave` and of the article library (Compute + WeaveRuntime).
build: setup
	$(SWIFT) build -c release --product weave
	$(SWIFT) build -c release --product WeaveArticle

site: build
	$(WEAVE) render notebooks/ --out _site --katex local

unit-tests: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

check-notebooks: build
	$(WEAVE) check notebooks/

test: build unit-tests check-notebooks

clean:
	rm -rf .build _site .weave-cache

# Real-browser test (issue 4): renders Tests/Browser/fixtures/*.md with the release weave
# (--katex local; their blocks run, so `build` makes the article kit too) and opens them
# in headless Chromium at a desktop and a phone width, in the light and dark schemes;
# screenshots go to Tests/Browser/out/screenshots/.
# Prints SKIPPED when chromium is not installed (apt-get install chromium).
# `make browser-test BROWSER_PAGES=notebooks/` checks those articles (.md rendered, or .html)
# instead of the fixtures.
BROWSER_PAGES ?=
.PHONY: browser-test
browser-test: build
	python3 Tests/Browser/browser_test.py --weave $(WEAVE) $(BROWSER_PAGES)

# The test suite under AddressSanitizer / ThreadSanitizer (issue 9), each in its own
# scratch directory so that the normal build stays valid. Slow: a full rebuild per sanitizer.
# Article programs are compiled without sanitizers, so they link the normal debug kit
# (WEAVE_KIT_DIR; the sanitized libWeaveArticle.so next to the sanitized weave needs the
# sanitizer's runtime). Skipped: cacheHitsAndInvalidation copies the kit from next to
# weave; under TSan, fullDiskDuringAWriteKeepsTheOldOutput's 64 KB file-size limit makes
# the TSan runtime itself fault. LSan suppressions: Tests/lsan-suppressions.txt.
SANITIZER_ENV = WEAVE_KIT_DIR=$(CURDIR)/.build/debug
.PHONY: sanitize-address sanitize-thread
sanitize-address: setup
	$(SWIFT) build --product WeaveArticle
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	$(SANITIZER_ENV) LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan-suppressions.txt \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan \
	  --skip cacheHitsAndInvalidation

sanitize-thread: setup
	$(SWIFT) build --product WeaveArticle
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SANITIZER_ENV) $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan \
	  --skip cacheHitsAndInvalidation --skip fullDiskDuringAWriteKeepsTheOldOutput
