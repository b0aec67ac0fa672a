// Worker processes for the crash and load tests; filled in with issue 7.
print("caseload-stress: no mode yet")
