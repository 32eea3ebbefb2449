"""The AWS error a boto3 call answers, as the tests compare it (shared by the Python client scripts)."""
from botocore.exceptions import ClientError


def error_of(call):
    try:
        call()
    except ClientError as e:
        return {
            "code": e.response["Error"]["Code"],
            "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
            # S3 answers HEAD requests without a body, so without a message.
            "message": e.response["Error"].get("Message", ""),
        }
    return None
