; Ringside for Windows: a per-user installer (no administrator rights), Inno Setup 6.
; UNTESTED: written to match build.spec and app/desktop/autostart.py, but never built or run on
; Windows by this project. Build on Windows from the repository's top folder:
;
;   pyinstaller build.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\ringside.iss     → dist\ringside-setup-0.1.0.exe
;
; What it does, all under HKEY_CURRENT_USER:
;   - installs dist\ringside\ (ringside.exe, ringside-cli.exe, _internal\) in
;     %LOCALAPPDATA%\Programs\Ringside, with a Start-menu entry;
;   - registers tel: and callto: links: the ProgID Ringside.URL, Software\Classes\tel and \callto,
;     and Capabilities under Software\Ringside listed in RegisteredApplications, so Ringside is
;     offered in Settings → Apps → Default apps → "Choose defaults by link type". (sip: is left to
;     the softphone, which usually registers it itself.) A link runs `ringside.exe "tel:…"`, which
;     hands the number to the running Ringside;
;   - optionally starts Ringside at sign-in: the value "Ringside" = "<app>\ringside.exe" under
;     Software\Microsoft\Windows\CurrentVersion\Run, the very value Settings → Start at login writes.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Ringside"
#define AppExe "ringside.exe"
#define ProgId "Ringside.URL"

[Setup]
AppId={{722B971C-2A17-4E64-9869-601EF17CA891}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppName}
DefaultDirName={localappdata}\Programs\{#AppName}
DisableDirPage=auto
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=ringside-setup-{#AppVersion}
UninstallDisplayIcon={app}\{#AppExe}
ChangesAssociations=yes
CloseApplications=yes
WizardStyle=modern

[Tasks]
Name: "links"; Description: "Open tel: and callto: links with {#AppName}"
Name: "autostart"; Description: "Start {#AppName} when I sign in"

[Files]
Source: "dist\ringside\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"

[Registry]
; The ProgID a link is opened with.
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "{#AppName} phone link"; Flags: uninsdeletekey; Tasks: links
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Tasks: links
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: links
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: links

; tel: and callto: themselves (used as long as the user has not picked another app for them).
Root: HKCU; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: ""; ValueData: "URL:tel"; Flags: uninsdeletekeyifempty; Tasks: links
Root: HKCU; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Flags: uninsdeletevalue; Tasks: links
Root: HKCU; Subkey: "Software\Classes\tel\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Flags: uninsdeletekey; Tasks: links
Root: HKCU; Subkey: "Software\Classes\callto"; ValueType: string; ValueName: ""; ValueData: "URL:callto"; Flags: uninsdeletekeyifempty; Tasks: links
Root: HKCU; Subkey: "Software\Classes\callto"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Flags: uninsdeletevalue; Tasks: links
Root: HKCU; Subkey: "Software\Classes\callto\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Flags: uninsdeletekey; Tasks: links

; Listed in Windows' default-apps settings.
Root: HKCU; Subkey: "Software\{#AppName}"; Flags: uninsdeletekeyifempty; Tasks: links
Root: HKCU; Subkey: "Software\{#AppName}\Capabilities"; ValueType: string; ValueName: "ApplicationName"; ValueData: "{#AppName}"; Flags: uninsdeletekey; Tasks: links
Root: HKCU; Subkey: "Software\{#AppName}\Capabilities"; ValueType: string; ValueName: "ApplicationDescription"; ValueData: "Caller insight from your CRMs when the phone rings"; Tasks: links
Root: HKCU; Subkey: "Software\{#AppName}\Capabilities\URLAssociations"; ValueType: string; ValueName: "tel"; ValueData: "{#ProgId}"; Tasks: links
Root: HKCU; Subkey: "Software\{#AppName}\Capabilities\URLAssociations"; ValueType: string; ValueName: "callto"; ValueData: "{#ProgId}"; Tasks: links
Root: HKCU; Subkey: "Software\RegisteredApplications"; ValueType: string; ValueName: "{#AppName}"; ValueData: "Software\{#AppName}\Capabilities"; Flags: uninsdeletevalue; Tasks: links

; Start at sign-in (app/desktop/autostart.py writes and removes the same value).
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"""; Flags: uninsdeletevalue; Tasks: autostart
; Settings → Start at login may write it later: removed on uninstall either way.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: none; ValueName: "{#AppName}"; Flags: uninsdeletevalue dontcreatekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName} now"; Flags: nowait postinstall skipifsilent
