"""Pipeline CRUD smoke through boto3 against the endpoint in argv[1].

Prints one JSON document of what boto3 returned, for exact assertions in conformance/boto3.test.ts.
Datetimes are reported as their type name plus epoch seconds, so the test can compare them.
"""
import copy
import datetime
import json
import sys

import boto3
from botocore.config import Config

from client_errors import error_of


def plain(value):
    """boto3 answers datetimes: turn them into JSON-friendly epoch seconds."""
    if isinstance(value, datetime.datetime):
        return {"datetime": value.timestamp()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main():
    endpoint, fixture = sys.argv[1], sys.argv[2]
    cp = boto3.client("codepipeline", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}))
    with open(fixture) as f:
        decl = json.load(f)["pipeline"]
    out = {}

    out["create"] = plain(cp.create_pipeline(pipeline=decl, tags=[{"key": "team", "value": "a"}]))
    out["get"] = plain(cp.get_pipeline(name=decl["name"]))

    updated = copy.deepcopy(decl)
    updated["stages"][1]["actions"][0]["configuration"] = {"ProjectName": "other-project"}
    out["update"] = plain(cp.update_pipeline(pipeline=updated))
    out["getV1"] = plain(cp.get_pipeline(name=decl["name"], version=1))["pipeline"]["version"]

    for n in ["p-e", "p-a", "p-d", "p-c", "p-b"]:
        cp.create_pipeline(pipeline=dict(copy.deepcopy(decl), name=n))
    pages = cp.get_paginator("list_pipelines").paginate(PaginationConfig={"PageSize": 2})
    out["pages"] = [[p["name"] for p in page["pipelines"]] for page in pages]
    out["listFirst"] = plain(cp.list_pipelines(maxResults=1))

    out["missing"] = error_of(lambda: cp.get_pipeline(name="missing"))
    out["nameInUse"] = error_of(lambda: cp.create_pipeline(pipeline=decl))
    # boto3 validates client-side too; skip it to see the server's own ValidationException.
    raw = boto3.client(
        "codepipeline",
        endpoint_url=endpoint,
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )
    out["invalid"] = error_of(lambda: raw.get_pipeline(name="bad name!", version=0))
    # The modelled exception class is generated from the service model: check it is caught by name.
    try:
        cp.get_pipeline(name="missing")
        out["modelledClass"] = False
    except cp.exceptions.PipelineNotFoundException:
        out["modelledClass"] = True

    out["delete"] = plain(cp.delete_pipeline(name=decl["name"]))
    out["afterDelete"] = [p["name"] for p in cp.list_pipelines()["pipelines"]]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
