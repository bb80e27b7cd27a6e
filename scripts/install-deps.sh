#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine:
# omniORB (C++ ORB, IDL compiler and IDL corpus) for interop tests, tshark as a
# GIOP decoding referee, and the Go modules. Safe to run again: it only
# installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v omniidl >/dev/null || need_apt+=(omniidl)
[ -f /usr/include/omniORB4/CORBA.h ] || need_apt+=(libomniorb4-dev)
[ -d /usr/share/idl/omniORB ] || need_apt+=(omniorb-idl)
command -v catior >/dev/null || need_apt+=(omniorb)
command -v omniNames >/dev/null || need_apt+=(omniorb-nameserver)
command -v tshark >/dev/null || need_apt+=(tshark)
command -v g++ >/dev/null || need_apt+=(g++)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v taskset >/dev/null || need_apt+=(util-linux) # the benchmark keeps client and servers apart

if [ ${#need_apt[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "install-deps: apt-get install ${need_apt[*]}"
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

command -v java >/dev/null || need_java=1
command -v mvn >/dev/null || need_java=1
if [ -n "${need_java:-}" ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven
fi

# omniORBpy for the Python interop tests, in a venv of its own: its pip
# packaging brings an omniidl that must not shadow Debian's on PATH.
venv="${CONCORD_PY_VENV:-$HOME/.cache/concord/py-venv}"
if ! "$venv/bin/python3" -c 'import omniORB' 2>/dev/null; then
	echo "install-deps: omniORBpy into $venv"
	if ! python3 -m venv "$venv"; then
		sudo=""
		[ "$(id -u)" -eq 0 ] || sudo="sudo"
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends python3-venv
		python3 -m venv "$venv"
	fi
	"$venv/bin/pip" install -q -r interop/python/requirements.txt
fi

go mod download
