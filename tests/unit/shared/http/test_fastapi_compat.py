"""FastAPI's pydantic v1 checks answer without importing ``pydantic.v1``, and still find v1 models."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from docflow.http import create_app
from fastapi import APIRouter
from pydantic import BaseModel
class Thing(BaseModel):
    name: str
router = APIRouter()
@router.post("/things")
def create(thing: Thing) -> Thing:
    return thing
create_app(router, title="probe")
from fastapi.encoders import jsonable_encoder
jsonable_encoder(Thing(name="x"))
loaded = "pydantic.v1" in sys.modules
import warnings
warnings.simplefilter("ignore")
from pydantic import v1
class Old(v1.BaseModel):
    name: str
from fastapi._compat import shared
from fastapi import encoders
print(json.dumps([loaded, shared.is_pydantic_v1_model_class(Old), shared.annotation_is_pydantic_v1(Old),
                  encoders.is_pydantic_v1_model_instance(Old(name="x")),
                  shared.is_pydantic_v1_model_class(Thing)]))
"""


def test_given_model_routes_when_app_built_then_pydantic_v1_not_imported_and_v1_still_detected() -> None:
    output = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    loaded, v1_class, v1_annotation, v1_instance, v2_class = json.loads(output.strip().splitlines()[-1])
    assert loaded is False
    assert (v1_class, v1_annotation, v1_instance) == (True, True, True)
    assert v2_class is False
