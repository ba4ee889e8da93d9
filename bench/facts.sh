# facts.sh: what the shell verifiers (verify-*.sh) share; sourced, not run.
# fact NAME OK(0/1) counts a fact and, unless the verifier runs with -q
# (quiet=-q), prints it; has TEXT PART matches in the shell, without a
# process of its own.
fails=0
fact() {
	if [ "$2" = 0 ]; then
		[ "$quiet" = -q ] || echo "ok   $1"
	else
		[ "$quiet" = -q ] || echo "FAIL $1"
		fails=$((fails + 1))
	fi
}
has() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
