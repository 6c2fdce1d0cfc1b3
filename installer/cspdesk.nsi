; The CSPDesk installer for Windows (NSIS 3). installer/build-windows.sh lays out the folder (STAGE) and runs:
;   makensis -DVERSION=0.1.0 -DSTAGE=build/windows/CSPDesk -DOUTFILE=dist/CSPDesk-0.1.0-setup.exe installer/cspdesk.nsi
;
; For IT (installer/README.md has the whole guide):
;   CSPDesk-<version>-setup.exe /S                 silent, for everyone on the computer (Program Files; needs admin)
;   CSPDesk-<version>-setup.exe /S /CurrentUser    silent, for the signed-in user only (no admin needed)
;   CSPDesk-<version>-setup.exe /S /D=C:\Apps\CSPDesk   another folder (/D must come last, no quotes)
;   "<folder>\uninstall.exe" /S                    silent uninstall: programs removed, every user's data kept
; Installing a new version over an old one upgrades it in place, closing a running CSPDesk first.
; Nothing here ever touches the users' data (%LOCALAPPDATA%\CSPDesk) or IT's settings file
; (%PROGRAMDATA%\CSPDesk\cspdesk.ini).

Unicode true
; A 64-bit installer (CSPDesk is 64-bit only): it also runs under a 64-bit-only Wine, as the smoke test does.
Target amd64-unicode
!ifndef VERSION
  !error "makensis -DVERSION=... -DSTAGE=... -DOUTFILE=..."
!endif

!define APP "CSPDesk"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
!ifdef FAST
  SetCompressor zlib  ; build-windows.sh --fast: a quarter of the CPU time, a somewhat larger file
!else
  SetCompressor /SOLID lzma
!endif
ManifestDPIAware true
BrandingText "${APP} ${VERSION}"

!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "${APP}"
; An upgrade goes where the last install went, in the same mode.
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "Software\${APP}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallFolder"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "Software\${APP}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallMode"
!include MultiUser.nsh
!include MUI2.nsh
!include LogicLib.nsh
!include x64.nsh

!define MUI_ABORTWARNING
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\cspdeskw.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start CSPDesk"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "LegalCopyright" "CSPDesk"

; Close every CSPDesk running from this folder (and only those): asked politely first, as the window's Close
; button would (it offers to save unsaved changes), then ended after 30 seconds. PowerShell is part of every
; supported Windows; where it is missing (Wine) nothing is closed and the copy goes ahead.
!macro CLOSE_RUNNING UN
Function ${UN}CloseRunning
  StrCpy $0 `$$d = '$INSTDIR\'; function running { Get-Process | Where-Object { $$_.Path -and $$_.Path.StartsWith($$d, [StringComparison]::OrdinalIgnoreCase) } }; $$p = @(running); if ($$p.Count -eq 0) { exit 0 }; $$p | ForEach-Object { [void]$$_.CloseMainWindow() }; for ($$i = 0; $$i -lt 30 -and @(running).Count -gt 0; $$i++) { Start-Sleep 1 }; running | Stop-Process -Force; exit 1`
  ${IfNot} ${Silent}
    nsExec::Exec `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "$$d = '$INSTDIR\'; if (@(Get-Process | Where-Object { $$_.Path -and $$_.Path.StartsWith($$d, [StringComparison]::OrdinalIgnoreCase) }).Count -gt 0) { exit 1 }"`
    Pop $1
    ${If} $1 == 1
      MessageBox MB_OKCANCEL|MB_ICONINFORMATION "CSPDesk is open. Click OK to close it (you will be asked about any unsaved changes), or Cancel to stop." IDOK +2
      Abort
    ${EndIf}
  ${EndIf}
  nsExec::Exec `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "$0"`
  Pop $1
FunctionEnd
!macroend
!insertmacro CLOSE_RUNNING ""
!insertmacro CLOSE_RUNNING "un."

Function .onInit
  !insertmacro MULTIUSER_INIT
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "CSPDesk needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
FunctionEnd

Function un.onInit
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

Section "CSPDesk" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  Call CloseRunning
  ; An upgrade: remove the old program files first, so no module of the old version is left behind.
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\lib"
  File /r "${STAGE}\*.*"
  ; Compile the Python files once now (the users may not write into Program Files), so CSPDesk starts fast.
  DetailPrint "Preparing CSPDesk to start quickly..."
  nsExec::Exec `"$INSTDIR\python\python.exe" -m compileall -q "$INSTDIR\lib"`
  Pop $0

  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\CSPDesk.lnk" "$INSTDIR\cspdeskw.exe" "" "$INSTDIR\cspdeskw.exe" 0
  CreateShortCut "$DESKTOP\CSPDesk.lnk" "$INSTDIR\cspdeskw.exe" "" "$INSTDIR\cspdeskw.exe" 0

  WriteRegStr SHCTX "Software\${APP}" "InstallFolder" "$INSTDIR"
  WriteRegStr SHCTX "Software\${APP}" "InstallMode" "$MultiUser.InstallMode"
  WriteRegStr SHCTX "Software\${APP}" "Version" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "CSPDesk"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\cspdeskw.exe"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode'
  WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S /$MultiUser.InstallMode'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Call un.CloseRunning
  ; The program only: each user's database, backups and logs (%LOCALAPPDATA%\CSPDesk) and IT's settings
  ; file (%PROGRAMDATA%\CSPDesk\cspdesk.ini) stay, for the next version or for the records.
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\lib"
  Delete "$INSTDIR\cspdesk.exe"
  Delete "$INSTDIR\cspdeskw.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\CSPDesk.lnk"
  Delete "$DESKTOP\CSPDesk.lnk"
  DeleteRegKey SHCTX "${UNINST_KEY}"
  DeleteRegKey SHCTX "Software\${APP}"
SectionEnd
