import Weave

/// The small pages and page edits of the preview server.
enum Pages {
    /// The script added to every page: listen on `/__weave/events` and reload when an
    /// event names this article (`name`; nil for the index, which reloads on any
    /// article, debounced), keeping the scroll position across the reload.
    static func reloadScript(for name: String?) -> String {
        let literal = name.map(jsString) ?? "null"
        return """
        <script>
        (function () {
          var name = \(literal);
          var key = "weave-scroll:" + location.pathname;
          window.addEventListener("load", function () {
            var y = sessionStorage.getItem(key);
            if (y !== null) { sessionStorage.removeItem(key); window.scrollTo(0, +y); }
          });
          if (!window.EventSource) return;
          var events = new EventSource("/__weave/events"), timer = null;
          events.addEventListener("reload", function (e) {
            if (name !== null && e.data !== name) return;
            clearTimeout(timer);
            timer = setTimeout(function () {
              sessionStorage.setItem(key, String(window.scrollY));
              location.reload();
            }, name === null ? 300 : 0);
          });
        })();
        </script>

        """
    }

    /// A JavaScript string literal safe inside `<script>`.
    static func jsString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// `html` with `snippet` inserted before its last `</body>` (or appended).
    static func inject(_ snippet: String, into html: [UInt8]) -> [UInt8] {
        let marker = Array("</body>".utf8)
        var i = html.count - marker.count
        while i >= 0 {
            if html[i] == marker[0] && Array(html[i..<i + marker.count]) == marker {
                return Array(html[..<i]) + Array(snippet.utf8) + Array(html[i...])
            }
            i -= 1
        }
        return html + Array(snippet.utf8)
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static let style = """
    <style>
    body { margin: 0; font: 17px/1.6 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1d1f; background: #fff; }
    main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1.1rem 4rem; }
    a { color: #0b62c4; }
    section.problems { border: 1px solid #cf222e; border-radius: 6px; padding: 0.5rem 1rem; }
    section.problems h2 { color: #cf222e; font-size: 1.1rem; }
    pre { white-space: pre-wrap; margin: 0.3rem 0; }
    @media (prefers-color-scheme: dark) { body { color: #e6e6e6; background: #16181c; } a { color: #6cb6ff; } }
    </style>

    """

    /// The 404 page: what was asked for, and a link to the index.
    static func notFound(_ path: String) -> [UInt8] {
        Array("""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Not found</title>
        \(style)</head>
        <body>
        <main>
        <h1>Not found</h1>
        <p>There is no article or file at <code>\(escape(path))</code>.</p>
        <p><a href="/">← All articles</a></p>
        </main>
        </body>
        </html>

        """.utf8)
    }

    /// The page of an article that produced no page at all (it could not be read):
    /// its errors, marked as failed like the renderer's failed pages.
    static func failure(name: String, report: Build.Report, script: String) -> [UInt8] {
        var items = ""
        for d in report.diagnostics where d.isError {
            items += "<li><pre>\(escape(d.description))</pre></li>\n"
        }
        return Array("""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(ArticleRenderer.failedMarker)
        <title>\(escape(name))</title>
        \(style)</head>
        <body>
        <main>
        <p><a href="/">← All articles</a></p>
        <h1>\(escape(name))</h1>
        <section class="problems">
        <h2>This article failed to build</h2>
        <ul>
        \(items)</ul>
        </section>
        </main>
        \(script)</body>
        </html>

        """.utf8)
    }

    /// The media type of a served file, by its extension.
    static func contentType(_ path: String) -> String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html": return "text/html; charset=utf-8"
        case "md": return "text/markdown; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "woff2": return "font/woff2"
        case "woff": return "font/woff"
        case "ttf": return "font/ttf"
        case "json": return "application/json"
        default: return "application/octet-stream"
        }
    }
}
