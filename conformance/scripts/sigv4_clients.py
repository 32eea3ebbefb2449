"""Signature verification through boto3 against the endpoint in argv[1] (access key argv[2], secret argv[3]).

Prints one JSON document of what boto3 got, for exact assertions in conformance/signaturesPython.test.ts:
good calls, a wrong secret, an unknown key, a clock 20 minutes behind (botocore's clock patched), for
the CodePipeline API and S3 (keys with reserved characters, a multipart upload, presigned URLs).
"""
import datetime
import io
import json
import sys
import time
import urllib.error
import urllib.request

import boto3
import botocore.auth
from botocore.config import Config

from client_errors import error_of

endpoint, key, secret = sys.argv[1], sys.argv[2], sys.argv[3]
real_now = botocore.auth.get_current_datetime


def client(service, access_key=key, secret_key=secret, **config):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}, **config),
    )


def fetch(url):
    try:
        with urllib.request.urlopen(url) as r:
            return {"status": r.status, "body": r.read().decode()}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": e.read().decode()}


def skewed(minutes):
    botocore.auth.get_current_datetime = lambda: real_now() + datetime.timedelta(minutes=minutes)


out = {}
cp = client("codepipeline")
out["api_list"] = cp.list_pipelines()["pipelines"]
out["api_account"] = error_of(lambda: cp.get_pipeline(name="nope"))
out["api_wrong_secret"] = error_of(lambda: client("codepipeline", secret_key="wrong").list_pipelines())
out["api_unknown_key"] = error_of(lambda: client("codepipeline", access_key="AKIDUNKNOWN").list_pipelines())
skewed(-20)
out["api_expired"] = error_of(lambda: client("codepipeline").list_pipelines())
skewed(0)

s3 = client("s3")
s3.create_bucket(Bucket="py-bucket")
keys = ["py/a b+c=d&e~é!(x)*.txt", "py/plain.txt"]
for k in keys:
    s3.put_object(Bucket="py-bucket", Key=k, Body=("body of " + k).encode())
out["s3_bodies"] = [s3.get_object(Bucket="py-bucket", Key=k)["Body"].read().decode() for k in keys]
out["s3_listed"] = [o["Key"] for o in s3.list_objects_v2(Bucket="py-bucket", Prefix="py/a b")["Contents"]]
big = bytes(range(256)) * (6 * 1024 * 4)  # 6 MiB: two parts of 5 MiB and 1 MiB
s3.upload_fileobj(io.BytesIO(big), "py-bucket", "py/big.bin", Config=boto3.s3.transfer.TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
got = s3.get_object(Bucket="py-bucket", Key="py/big.bin")
out["s3_multipart"] = {"same": got["Body"].read() == big, "etag_parts": got["ETag"].strip('"').split("-")[-1]}
out["s3_presigned"] = fetch(s3.generate_presigned_url("get_object", Params={"Bucket": "py-bucket", "Key": keys[0]}, ExpiresIn=300))
# botocore presigns with signature version 2 by default (its clock: time.time), with s3v4 when told.
real_time = time.time
time.time = lambda: real_time() - 7200
old_url = client("s3").generate_presigned_url("get_object", Params={"Bucket": "py-bucket", "Key": keys[1]}, ExpiresIn=60)
time.time = real_time
out["s3_presigned_expired"] = fetch(old_url)
v4 = client("s3", signature_version="s3v4")
out["s3_presigned_v4"] = fetch(v4.generate_presigned_url("get_object", Params={"Bucket": "py-bucket", "Key": keys[0]}, ExpiresIn=300))
skewed(-120)
old_v4 = client("s3", signature_version="s3v4").generate_presigned_url("get_object", Params={"Bucket": "py-bucket", "Key": keys[1]}, ExpiresIn=60)
skewed(0)
out["s3_presigned_v4_expired"] = fetch(old_v4)
out["s3_v2_header"] = client("s3", signature_version="s3").get_object(Bucket="py-bucket", Key=keys[0])["Body"].read().decode()
out["s3_v2_header_wrong"] = error_of(lambda: client("s3", secret_key="wrong", signature_version="s3").get_object(Bucket="py-bucket", Key=keys[0]))
out["s3_wrong_secret"] = error_of(lambda: client("s3", secret_key="wrong").get_object(Bucket="py-bucket", Key=keys[0]))
out["s3_unknown_key"] = error_of(lambda: client("s3", access_key="AKIDUNKNOWN").get_object(Bucket="py-bucket", Key=keys[0]))
skewed(-20)
out["s3_skewed"] = error_of(lambda: client("s3").put_object(Bucket="py-bucket", Key="py/late.txt", Body=b"late"))
skewed(0)
print(json.dumps(out))
