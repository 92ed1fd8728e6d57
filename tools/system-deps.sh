#!/usr/bin/env bash
# Install the Debian packages Hearth needs: with apt-get when root, otherwise
# print the exact command to run. Packages already present are left alone.
set -euo pipefail

# espeak-ng: the voice (pyttsx3 drives it) and the test audio; libportaudio2: microphone
# and speaker through sounddevice; sox: odd WAV formats for the tests; pulseaudio,
# pulseaudio-utils, alsa-utils, libasound2-plugins: the private sound server with a virtual
# microphone and speaker that the live-audio tests run `hearth run` on; flite: more voices
# for the benchmark corpus; libspeexdsp-dev, swig: to build the speexdsp bindings (echo
# cancellation, measured by the barge-in benchmark); chromium, chromium-driver: the browser
# the tests of `hearth web` drive through Selenium (Debian's driver, nothing downloaded);
# festival, festvox-us-slt-hts, festvox-kallpc16k: an HTS voice (kept blind) and a diphone
# voice for the speech benchmark (Debian ships no MBROLA voice).
packages=(espeak-ng libespeak-ng1 libportaudio2 sox pulseaudio pulseaudio-utils alsa-utils libasound2-plugins flite libspeexdsp-dev swig chromium chromium-driver festival festvox-us-slt-hts festvox-kallpc16k)
# python3 -m venv needs ensurepip, which Debian ships separately.
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "Hearth needs these Debian packages: ${missing[*]}" >&2
  echo "Run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
