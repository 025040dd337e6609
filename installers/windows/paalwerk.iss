; Inno Setup script: the Windows installer of Paalwerk (installers/README.md).
; Built by installers/build-windows.ps1, which passes the version and the folders:
;   iscc /DAppVersion=0.1.0 /DBundleDir=..\..\dist\paalwerk /DIconFile=..\..\build\pyinstaller\paalwerk\icons\paalwerk.ico installers\windows\paalwerk.iss
; Per-user install by default (a technician's laptop often has no admin rights); the
; installer offers an all-users install when it may elevate.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\paalwerk"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\pyinstaller\paalwerk\icons\paalwerk.ico"
#endif

[Setup]
AppId={{6C2A0001-5041-414C-5745-524B00000001}
AppName=Paalwerk
AppVersion={#AppVersion}
AppPublisher=Paalwerk
DefaultDirName={autopf}\Paalwerk
DefaultGroupName=Paalwerk
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=paalwerk-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\Paalwerk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Signing (installers/README.md): iscc /Ssigntool="signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /f $qcert.pfx$q /p PASSWORD $f" ...
; then uncomment:
; SignTool=signtool

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "nl"; MessagesFile: "compiler:Languages\Dutch.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Paalwerk"; Filename: "{app}\Paalwerk.exe"
Name: "{group}\Paalwerk self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\paalwerk-cli.exe"" --self-test"
Name: "{group}\{cm:UninstallProgram,Paalwerk}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Paalwerk"; Filename: "{app}\Paalwerk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Paalwerk.exe"; Description: "{cm:LaunchProgram,Paalwerk}"; Flags: nowait postinstall skipifsilent
