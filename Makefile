# Haven: the two commands that matter are `make demo` and `make test` (README.md).
# Everything else is a step they use.

BUILD     ?= build
ASAN      ?= build-asan
JOBS      ?= $(shell nproc)
DEMO_DB   ?= demo.db
LISTEN    ?= 127.0.0.1:8080

.PHONY: all deps build demo test test-unit test-asan clean format

all: build

deps:
	@sh scripts/install-deps.sh

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

demo: deps build
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).key
	$(BUILD)/haven demo --db $(DEMO_DB)
	$(BUILD)/haven report --db $(DEMO_DB) --year 2024 --lang en
	@echo
	@echo "Serving the demo at http://$(LISTEN)/ (Ctrl-C to stop)."
	$(BUILD)/haven serve --db $(DEMO_DB) --listen $(LISTEN)

test: deps build
	sh scripts/run-tests.sh

clean:
	rm -rf $(BUILD) $(ASAN)

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c')
