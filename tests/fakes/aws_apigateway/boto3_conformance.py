#!/usr/bin/env python3
"""Checks fake-aws-apigateway against the AWS SDK for Python (boto3).

The SDK signs with its own SigV4 implementation and parses the answers with the
service models of API Gateway v1 and v2, so this shows that the fake accepts what
AWS clients send and answers what they expect. Run by fake_aws_test (skipped when
boto3 is not installed) against a fake serving tests/fixtures/aws/us-east-1.json:

    boto3_conformance.py PORT
Exits 0 when every check passes; prints the first failure and exits 1 otherwise.
"""
import datetime
import json
import sys
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

PORT = int(sys.argv[1])
ENDPOINT = f"http://127.0.0.1:{PORT}"
KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def client(service, retries=1, **overrides):
    args = dict(endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id=KEY,
                aws_secret_access_key=SECRET,
                config=Config(retries={"total_max_attempts": retries, "mode": "standard"}))
    args.update(overrides)
    return boto3.client(service, **args)


def control(path):
    request = urllib.request.Request(ENDPOINT + path, data=b"", method="POST")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200, path


def expect(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: got {actual!r}, want {expected!r}")


def expect_error(call, code, status, what):
    try:
        call()
    except ClientError as e:
        expect(e.response["Error"]["Code"], code, what + " error code")
        expect(e.response["ResponseMetadata"]["HTTPStatusCode"], status, what + " status")
        return e
    raise AssertionError(f"{what}: no error")


def main():
    v1 = client("apigateway")
    v2 = client("apigatewayv2")

    pages = list(v1.get_paginator("get_rest_apis").paginate(PaginationConfig={"PageSize": 2}))
    expect(len(pages), 3, "v1 pages of 2")
    ids = [api["id"] for page in pages for api in page["items"]]
    expect(ids, ["a7x3k9m2qd", "p4y9m3nt7w", "i9n7t3rnl2", "l3g4cy1nv5", "c4t4l0gpr7"], "v1 ids")
    orders = pages[0]["items"][0]
    expect(orders["createdDate"],
           datetime.datetime(2023, 2, 14, 10, 22, 31, tzinfo=datetime.timezone.utc),
           "v1 createdDate")
    expect(orders["endpointConfiguration"]["types"], ["REGIONAL"], "endpoint type")

    stages = v1.get_stages(restApiId="a7x3k9m2qd")["item"]
    expect([s["stageName"] for s in stages], ["prod", "staging"], "v1 stages")
    export = v1.get_export(restApiId="a7x3k9m2qd", stageName="prod", exportType="oas30",
                           parameters={"extensions": "integrations"}, accepts="application/json")
    expect(export["contentType"], "application/json", "export content type")
    document = json.loads(export["body"].read())
    expect(document["openapi"], "3.0.1", "export openapi")
    expect("x-amazon-apigateway-integration" in document["paths"]["/orders"]["get"], True,
           "integration extension")
    authorizers = v1.get_authorizers(restApiId="a7x3k9m2qd")["items"]
    expect([a["type"] for a in authorizers], ["COGNITO_USER_POOLS"], "v1 authorizers")
    tags = v1.get_tags(resourceArn="arn:aws:apigateway:us-east-1::/restapis/a7x3k9m2qd")["tags"]
    expect(tags["team"], "commerce", "v1 tags by ARN")
    keys = v1.get_api_keys(includeValues=True)["items"]
    expect(len(keys), 3, "api keys")
    expect(keys[0]["value"], "Xq9vL2mN8pR4tY6wZ1bC3dF5gH7jK0aSeUiOoPp1", "api key value")

    apis = [a for page in v2.get_paginator("get_apis").paginate(PaginationConfig={"PageSize": 2})
            for a in page["Items"]]
    expect([a["ProtocolType"] for a in apis], ["HTTP", "HTTP", "HTTP", "WEBSOCKET", "WEBSOCKET"],
           "v2 protocols")
    expect(apis[0]["CreatedDate"],
           datetime.datetime(2024, 1, 9, 12, 0, 41, tzinfo=datetime.timezone.utc), "v2 createdDate")
    expect([s["StageName"] for s in v2.get_stages(ApiId="h7tp9pr0f1")["Items"]], ["$default"],
           "v2 $default stage")
    routes = v2.get_routes(ApiId="ch4tw5s0ck")["Items"]
    expect([r["RouteKey"] for r in routes], ["$connect", "$disconnect", "sendMessage", "$default"],
           "websocket routes")
    expect(v2.get_authorizers(ApiId="h7tp9pr0f1")["Items"][0]["AuthorizerType"], "JWT",
           "v2 authorizer")
    http_export = json.loads(v2.export_api(ApiId="h7tp9pr0f1", OutputType="JSON",
                                           Specification="OAS30", StageName="$default")["body"].read())
    expect(sorted(http_export["paths"]), ["/health", "/profiles/{profileId}"], "v2 export paths")
    expect(v2.get_tags(ResourceArn="arn:aws:apigateway:us-east-1::/apis/h7tp9pr0f1")["Tags"]["team"],
           "identity", "v2 tags")

    expect_error(lambda: client("apigateway", aws_secret_access_key="wrong").get_rest_apis(),
                 "InvalidSignatureException", 403, "bad secret")
    expect_error(lambda: client("apigateway", aws_access_key_id="AKIANOBODY").get_rest_apis(),
                 "UnrecognizedClientException", 403, "unknown key")
    temporary = client("apigateway", aws_access_key_id="ASIAIOSFODNN7TEMPKEY",
                       aws_secret_access_key="je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
                       aws_session_token="FwoGZXIvYXdzEXAMPLE//////////wEaDExampleSessionToken+QzPq3bW6xM0vV8=")
    expect(len(temporary.get_rest_apis()["items"]), 5, "temporary credentials")
    expired = client("apigateway", aws_access_key_id="ASIAIOSFODNN7EXPIRED",
                     aws_secret_access_key="Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1QqEXAMPLEKEY",
                     aws_session_token="FwoGZXIvYXdzEXPIRED//////////wEaDExpiredSessionToken+AbCdEf0123=")
    expect_error(expired.get_rest_apis, "ExpiredTokenException", 403, "expired token")

    control("/_fake/throttle?times=1")
    expect_error(v1.get_rest_apis, "TooManyRequestsException", 429, "throttled")
    control("/_fake/throttle?times=1")
    patient = client("apigateway", retries=2)
    response = patient.get_rest_apis()
    expect(response["ResponseMetadata"]["RetryAttempts"], 1, "retries after throttling")
    control("/_fake/reset")
    print("ok")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}")
        sys.exit(1)
