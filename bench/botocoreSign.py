"""`npm run bench`'s botocore comparison: SigV4-signs the bench's GET N times, prints µs per signature.

Usage: python3 botocoreSign.py N URL ACCESS_KEY SECRET TOKEN REGION
"""
import sys
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

n, url, key, secret, token, region = int(sys.argv[1]), *sys.argv[2:7]
auth = SigV4Auth(Credentials(key, secret, token), "execute-api", region)
start = time.perf_counter()
for _ in range(n):
    auth.add_auth(AWSRequest(method="GET", url=url))
print((time.perf_counter() - start) * 1e6 / n)
