"""A small allotment garden's data, written by the tests: CSV files with their quirks, and an API."""

from __future__ import annotations

from pathlib import Path

PLANTS = """\
Plant name,Bed,Height (cm),Planted on
Tomato Moneymaker,A1,142.5,2024-04-02
Runner bean,A2,210,2024-04-20
Courgette Defender,B1,61.0,2024-05-01
Sweet pea,B2,180.25,2024-03-15
"""
HARVESTS = """\
plant_id;harvest_date;weight_g;notes
1;2024-07-01;850;first truss
1;2024-07-15;1200;
2;2024-07-20;640;stringy
3;2024-07-05;2300;two fruits
3;2024-07-19;1750;
"""
OPENAPI = """\
openapi: 3.0.3
info:
  title: Allotment weather
  version: "1.0"
servers:
  - url: http://127.0.0.1:{port}/v1
paths:
  /beds:
    get:
      operationId: listBeds
      summary: List the beds of the allotment
      description: Every bed with its soil type and what grows in it.
    post:
      operationId: addBed
      summary: Add a bed
  /beds/{bedId}/frost:
    parameters:
      - name: bedId
        in: path
        required: true
        schema: {type: string, example: A1}
    get:
      operationId: getFrostRisk
      summary: Frost risk for one bed tonight
      parameters:
        - $ref: '#/components/parameters/Hours'
    delete:
      summary: Forget a bed's frost history
components:
  parameters:
    Hours:
      name: hours
      in: query
      schema: {type: integer}
      description: How many hours ahead
"""


def garden_csv_folder(folder: Path) -> Path:
    """plants.csv (comma, text/real/date columns, titles with spaces), harvests.csv (semicolons,
    integers, an empty cell), plus a file that is not CSV and an empty CSV, which are skipped."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plants.csv").write_text(PLANTS, encoding="utf-8")
    (folder / "harvests.csv").write_text(HARVESTS, encoding="utf-8")
    (folder / "README.txt").write_text("exported from my garden planner\n", encoding="utf-8")
    (folder / "empty.csv").write_text("", encoding="utf-8")
    return folder


def garden_openapi(path: Path, port: int = 8765) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(OPENAPI.replace("{port}", str(port)), encoding="utf-8")
    return path
