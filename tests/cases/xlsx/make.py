"""Makes pupils.xlsx for the spreadsheet test: a synthetic two-sheet workbook as a MIS might
export it (a title sheet first, dates as Excel dates, Y/N flags, a blank cell). Run with
openpyxl 3.1: python3 make.py"""
import datetime
import openpyxl

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Notes"
ws["A1"] = "Exported from the MIS"
pupils = wb.create_sheet("Pupils")
pupils.append(["UPN", "Academic Year", "Year Group", "SEN Status", "Primary Need", "FSM", "Date of Admission"])
rows = [
    ("X1", "2024/25", 10, "SEN Support", "SEMH", "Y", datetime.date(2020, 9, 3)),
    ("X2", "2024/25", 10, "No SEN", None, "N", datetime.date(2020, 9, 3)),
    ("X3", "2024/25", 11, "EHC Plan", "ASD", "Y", datetime.date(2019, 9, 4)),
    ("X4", "2024/25", "Y9", "No SEN", None, "N", datetime.date(2021, 9, 2)),
]
for r in rows:
    pupils.append(list(r))
att = wb.create_sheet("Attendance")
att.append(["UPN", "Academic Year", "Possible Sessions", "Sessions Present"])
for upn, present in [("X1", 170), ("X2", 190), ("X3", 160), ("X4", 188)]:
    att.append([upn, "2024/25", 200, present])
wb.save("pupils.xlsx")

# A copy with one stray value in the sheet's very last cell, whose stated extent is then the
# whole grid: sencheck must report the far row, not try to hold a million by 16,384 cells.
pupils["XFD1048576"] = "x"
wb.save("stray.xlsx")
