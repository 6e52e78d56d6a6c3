/// WeaveRuntime: what article programs import besides Compute.
public enum WeaveRuntimeInfo {
    public static let version = "0.1.0"
}
