import Weave
print("weave \(WeaveInfo.version)")
