"""CodeBuild and SSM through boto3: parameters (a paginator), a project, a build run to its end, errors.
Prints one JSON document for conformance/boto3CodeBuildSsm.test.ts."""
import json
import sys
import time

import boto3
from client_errors import error_of

endpoint = sys.argv[1]
session = boto3.session.Session(region_name="us-east-1")
ssm = session.client("ssm", endpoint_url=endpoint)
cb = session.client("codebuild", endpoint_url=endpoint)
out = {}

for i in range(5):
    ssm.put_parameter(Name=f"/boto/p{i}", Value=f"v{i}", Type="String")
ssm.put_parameter(Name="/boto/secret", Value="hidden", Type="SecureString")
out["get"] = ssm.get_parameter(Name="/boto/secret", WithDecryption=True)["Parameter"]["Value"]
pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/boto", PaginationConfig={"PageSize": 2})
out["byPath"] = [p["Name"] for page in pages for p in page["Parameters"]]
out["missing"] = error_of(lambda: ssm.get_parameter(Name="/boto/none"))

cb.create_project(
    name="boto-project",
    source={"type": "NO_SOURCE", "buildspec": "version: 0.2\nphases:\n  build:\n    commands:\n      - echo \"secret=$S\"\n"},
    artifacts={"type": "NO_ARTIFACTS"},
    environment={
        "type": "LINUX_CONTAINER",
        "image": "aws/codebuild/standard:7.0",
        "computeType": "BUILD_GENERAL1_SMALL",
        "environmentVariables": [{"name": "S", "value": "/boto/secret", "type": "PARAMETER_STORE"}],
    },
    serviceRole="arn:aws:iam::123456789012:role/cb",
)
build = cb.start_build(projectName="boto-project")["build"]
deadline = time.time() + 30
while time.time() < deadline:
    build = cb.batch_get_builds(ids=[build["id"]])["builds"][0]
    if build["buildComplete"]:
        break
    time.sleep(0.1)
out["build"] = {
    "status": build["buildStatus"],
    "number": build["buildNumber"],
    "variables": build["environment"]["environmentVariables"],
    "startTimeIsDatetime": hasattr(build["startTime"], "isoformat"),
}
out["ids"] = [i for page in cb.get_paginator("list_builds_for_project").paginate(projectName="boto-project") for i in page["ids"]] == [build["id"]]
out["exists"] = error_of(lambda: cb.create_project(
    name="boto-project",
    source={"type": "NO_SOURCE", "buildspec": "x\ny"},
    artifacts={"type": "NO_ARTIFACTS"},
    environment={"type": "LINUX_CONTAINER", "image": "i", "computeType": "BUILD_GENERAL1_SMALL"},
    serviceRole="r",
))
print(json.dumps(out))
