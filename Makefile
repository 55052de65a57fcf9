# The two commands a fresh Debian 12 / Ubuntu machine needs: `make run` and
# `make test`. Both install missing system packages first.

CARGO ?= cargo
SAMPLE := sample_clips/sample.attune.json
# The test suite has no real display: Xvfb stands in for one (eframe windows),
# and wgpu snapshots render on Mesa's software Vulkan (lavapipe).
HEADLESS := xvfb-run --auto-servernum --server-args="-screen 0 1920x1080x24"

.PHONY: run test deps build release

deps:
	@scripts/install-deps

release: deps
	$(CARGO) build --release --locked

run: release
	./target/release/attune $(SAMPLE)

test: deps
	$(CARGO) fmt --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(HEADLESS) $(CARGO) test --locked --all-targets
