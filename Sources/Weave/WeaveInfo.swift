/// Weave: parse articles, run their Swift blocks, render HTML and Markdown.
public enum WeaveInfo {
    public static let version = "0.1.0"
}
