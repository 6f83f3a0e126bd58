# roadlog - build, test, benchmark.  `make demo` and `make test` set up a
# fresh Debian machine on their own (see README.md).

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2
CFLAGS  ?=
WARN     = -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
PQ_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
BASEFLAGS = -std=c11 -g $(OPT) $(WARN) -D_GNU_SOURCE -Isrc -Iparsers -Ireports -I$(BUILD)/gen $(PQ_CFLAGS)
LIBS     = -lcsv -lisal -lz -lpcap -lxlsxwriter -lcrypto -llz4 -lgeos_c -lsqlite3 -lpq -ljansson -lm -lpthread
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Debian packages the build and the tests need (installed by `make deps`).
DEB_PACKAGES = $(shell grep -v '^\#' .ci/packages)

SRC      = $(wildcard src/*.c parsers/*.c reports/*.c)
LIB_SRC  = $(filter-out src/main.c $(EXCLUDE),$(SRC))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
TESTS    = $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))
TOOLS    = $(BUILD)/fixtures/genfleet $(patsubst fixtures/%.c,$(BUILD)/fixtures/%,$(filter-out fixtures/genfleet.c,$(wildcard fixtures/gen*.c)))
# Benchmark programs (tests/bench_*.c), built with every tool so they cannot rot unseen
BENCHES  = $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/bench_*.c))

.PHONY: all deps test unit integration threads browser slurm asan tsan bench demo fuzz clean tools
all: roadlog

roadlog: $(BUILD)/roadlog
	@rm -f roadlog && cp $(BUILD)/roadlog roadlog

$(BUILD)/roadlog: $(BUILD)/src/main.o $(BUILD)/libroadlog.a
	$(CC) $(BASEFLAGS) $(CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libroadlog.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(BUILD)/libroadlog.a
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -Itests -o $@ $< $(BUILD)/libroadlog.a $(LIBS) -lcmocka

$(BUILD)/fixtures/%: fixtures/%.c $(BUILD)/libroadlog.a
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libroadlog.a $(LIBS)

$(BUILD)/tests/bench_%: tests/bench_%.c $(BUILD)/libroadlog.a
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libroadlog.a $(LIBS)

tools: $(TOOLS) $(BENCHES)

# roadlog's own script of the documents (reports/map.js) as a C string
# for reports/map.c: one line of JavaScript per line of C.
$(BUILD)/gen/map_js.h: reports/map.js
	@mkdir -p $(dir $@)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< >$@
$(BUILD)/reports/map.o: $(BUILD)/gen/map_js.h

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d

# Install what is missing (idempotent; needs root or sudo, no network but
# Debian's mirrors).
deps:
	@sh tests/deps.sh $(DEB_PACKAGES)

unit: $(TESTS)
	@sh tests/run_unit.sh $(TESTS)

integration: $(BUILD)/roadlog tools $(BUILD)/tests/test_jt808
	@sh tests/integration.sh $(BUILD)/roadlog $(BUILD)/fixtures
	@sh tests/baddata.sh $(BUILD)/roadlog
	@sh tests/cli.sh $(BUILD)/roadlog $(BUILD)/fixtures
	@sh tests/chain.sh $(BUILD)/roadlog $(BUILD)/fixtures
	@sh tests/ledger.sh $(BUILD)/roadlog $(BUILD)/fixtures
	@sh tests/shard.sh $(BUILD)/roadlog $(BUILD)/fixtures

# one run however it is cut: --threads, --memory, byte ranges, temporary files
threads: $(BUILD)/roadlog tools
	@sh tests/threads.sh $(BUILD)/roadlog $(BUILD)/fixtures

# report.html and summary.html rendered in headless chromium
browser: $(BUILD)/roadlog tools
	@sh tests/browser.sh $(BUILD)/roadlog

# roadlog slurm on a single-node Slurm cluster stood up for the test (root)
slurm: $(BUILD)/roadlog tools
	@sh tests/slurm.sh $(BUILD)/roadlog $(BUILD)/fixtures

# The whole suite: unit + integration + the browser check, then unit and
# integration again under ASan + UBSan, then a short smoke run of every
# fuzz target.
test: deps
	$(MAKE) unit integration threads browser slurm
	$(MAKE) asan
	$(MAKE) tsan
	@sh tests/fuzz.sh smoke

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 CFLAGS="$(SAN)" unit integration

# the parallel paths under ThreadSanitizer (a shorter threads.sh)
tsan:
	$(MAKE) BUILD=build-tsan OPT=-O1 CFLAGS="-fsanitize=thread -fno-omit-frame-pointer" build-tsan/roadlog tools
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" sh tests/threads.sh build-tsan/roadlog build-tsan/fixtures quick

bench: deps
	$(MAKE) roadlog tools
	@sh tests/bench.sh $(BUILD)/roadlog $(BUILD)/fixtures

fuzz: deps
	@sh tests/fuzz.sh long $(FUZZ_SECONDS)

demo: deps
	$(MAKE) roadlog tools
	@sh fixtures/demo.sh $(BUILD)/roadlog $(BUILD)/fixtures

clean:
	rm -rf build build-asan build-tsan build-fuzz roadlog roadlog-out demo-out
