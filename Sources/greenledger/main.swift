print("greenledger")
