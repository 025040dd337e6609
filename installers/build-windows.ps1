# Builds the Windows program and its installer (installers/README.md):
#   dist\paalwerk\ (Paalwerk.exe windowed, paalwerk-cli.exe console, _internal\)
#   dist\paalwerk-<version>-windows-x64-setup.exe (Inno Setup 6)
# Needs: Python 3.11-3.13 (python.org, x64), Inno Setup 6 (iscc.exe on PATH or in the
# default folder). Run from any folder:  powershell -ExecutionPolicy Bypass -File installers\build-windows.ps1
$ErrorActionPreference = "Stop"
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root
$started = Get-Date
$venv = if ($env:PAALWERK_BUILD_VENV) { $env:PAALWERK_BUILD_VENV } else { "build\venv-installer" }
if (-not (Test-Path "$venv\Scripts\python.exe")) { py -3 -m venv $venv }
& "$venv\Scripts\pip.exe" install -q -e ".[build]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
$version = & "$venv\Scripts\python.exe" -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])"

& "$venv\Scripts\pyinstaller.exe" --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller installers\paalwerk.spec
if ($LASTEXITCODE -ne 0) { throw "pyinstaller failed" }

# The bundle checks itself before it is packed: demo, serial, service, BLE.
& "dist\paalwerk\paalwerk-cli.exe" --self-test
if ($LASTEXITCODE -ne 0) { throw "the bundle's self-test failed" }

$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" "/DBundleDir=$root\dist\paalwerk" `
    "/DIconFile=$root\build\pyinstaller\paalwerk\icons\paalwerk.ico" installers\windows\paalwerk.iss
if ($LASTEXITCODE -ne 0) { throw "iscc failed" }
$took = [int]((Get-Date) - $started).TotalSeconds
Write-Host "built dist\paalwerk and dist\paalwerk-$version-windows-x64-setup.exe in $took s"
