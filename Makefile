# Shortcuts for the scripts in scripts/ (which need nothing but bash).
.PHONY: setup example test bench bench-sightglass bench-compile fuzz wasm-smith-fuzz csmith-fuzz clean
setup:
	scripts/setup.sh
example:
	scripts/example.sh
test:
	scripts/test.sh
bench: setup
	.venv/bin/python bench/run.py --repeat 5
# sightglass' programs (../shared/sightglass): wastrel, native and wasmtime.
bench-sightglass: setup
	.venv/bin/python bench/sightglass.py --repeat 5
# A big module's compile time (graphviz.wasm, downloaded), next to wasm2c + gcc -O2.
bench-compile: setup
	.venv/bin/python bench/compile_speed.py --repeat 2
# Differential fuzzing, longer than CI's runs; a finding is printed in full
# and makes the target fail.  `fuzz` runs both fuzzers (the second even when
# the first finds something): wasm-smith modules against wasmtime (CI has
# seeds 0-39), then csmith's C programs against the host build and wasmtime
# (CI has seeds 0-15; about 3 s a seed on two cores, so thousands by
# default).  SEEDS=N START=S set both (CSMITH_SEEDS, CSMITH_START: csmith's
# alone), JOBS=J, KEEP=DIR saves each finding as a case; GC=1: of the
# wasm-smith seeds, only the GC ones (about one in eleven).
WASM_SMITH_FUZZ = .venv/bin/python tests/fuzz.py --seeds $${SEEDS:-500} --start $${START:-1000} --jobs $${JOBS:-2} --quiet $${KEEP:+--keep "$$KEEP"} $${GC:+--gc}
CSMITH_FUZZ = .venv/bin/python tests/csmith_fuzz.py --seeds $${CSMITH_SEEDS:-$${SEEDS:-3000}} --start $${CSMITH_START:-$${START:-1000}} --jobs $${JOBS:-2} --quiet $${KEEP:+--keep "$$KEEP"}
fuzz: setup
	$(WASM_SMITH_FUZZ); smith=$$?; $(CSMITH_FUZZ); csmith=$$?; exit $$((smith | csmith))
wasm-smith-fuzz: setup
	$(WASM_SMITH_FUZZ)
csmith-fuzz: setup
	$(CSMITH_FUZZ)

clean:
	rm -rf build tests/.build bench/.build
