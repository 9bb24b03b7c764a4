import Foundation
import Hummingbird
import Testing
@testable import AdvizServe

/// The course in the binary (#24 item 7) and lessons that never lead out of their folder (#29 finding 12).
@Suite struct LessonCatalogTests {
    /// A scratch folder with `files` (name → text) and `links` (name → target), removed after `body`.
    static func withFolder<T>(_ files: [String: String], links: [String: String] = [:], _ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-lessons-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        for (name, target) in links { try FileManager.default.createSymbolicLink(atPath: folder + "/" + name, withDestinationPath: target) }
        return try await body(folder)
    }

    static func server(folder: String?, shipped: Bool = true) -> ClassroomServer {
        var options = ServeOptions()
        options.port = 0
        options.quiet = true
        options.lessons = folder
        options.shippedLessons = shipped
        return ClassroomServer(options: options)
    }

    @Test func theEmbeddedCourseIsLessonsFolderAsCommitted() throws {
        // lessons/*.md as in the repository: scripts/embed-lessons writes them into the binary.
        let folder = ClassroomServerTests.lessonsFolder
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") && $0.lowercased() != "readme.md" }.sorted()
        #expect(ShippedLessons.all.map { $0.name + ".md" } == files, "run scripts/embed-lessons")
        for lesson in ShippedLessons.all {
            let text = try String(contentsOfFile: folder + "/" + lesson.name + ".md", encoding: .utf8)
            #expect(lesson.text == text, "lessons/\(lesson.name).md differs from the embedded copy: run scripts/embed-lessons")
        }
    }

    @Test func withNoFolderTheShippedCourseIsServed() async throws {
        let app = Self.server(folder: nil).application()
        try await TestServer.router(app) { client in
            try await client.execute(uri: "/api/lessons", method: .get) { response in
                let list = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [[String: Any]])
                #expect(list.count == ShippedLessons.all.count)
                #expect(list.first?["name"] as? String == "01-computational-graph")
            }
            try await client.execute(uri: "/lessons/03-reverse-mode/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(".svg"))
            }
        }
    }

    @Test func aFolderAddsOrReplaces() async throws {
        let own = "# My own lesson\n\nIntro.\n\n## One\n\n```adviz\nexpression: x^2\nat: 3\n```\n\nThe square.\n"
        try await Self.withFolder(["99-mine.md": own, "01-computational-graph.md": own.replacingOccurrences(of: "My own lesson", with: "Edited graph")]) { folder in
            let added = Self.server(folder: folder)
            #expect(added.lessonNames().count == ShippedLessons.all.count + 1)
            #expect(added.lessonTitle("01-computational-graph") == "Edited graph")
            let only = Self.server(folder: folder, shipped: false)
            #expect(only.lessonNames() == ["01-computational-graph", "99-mine"])
        }
    }

    @Test func aSymlinkOutOfTheFolderIsNoLesson() async throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("adviz-secret-\(UUID().uuidString).md").path
        try "root:x:0:0:root:/root:/bin/bash\n".write(toFile: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let broken = "root:x:0:0:root:/root:/bin/bash\n## step\n```adviz\nexpression: x^^2\n```\n"
        try await Self.withFolder(["broken.md": broken], links: ["passwd.md": "/etc/passwd", "secret.md": outside, "up.md": "../" + (outside as NSString).lastPathComponent]) { folder in
            let server = Self.server(folder: folder, shipped: false)
            #expect(server.lessonNames() == ["broken"])
            let app = server.application()
            try await TestServer.router(app) { client in
                for name in ["passwd", "secret", "up"] {
                    try await client.execute(uri: "/lessons/\(name)/", method: .get) { response in
                        #expect(response.status == .notFound, "\(name)")
                        #expect(!String(buffer: response.body).contains("root:x"))
                    }
                }
                // A lesson that does not parse: its error names the file, not the server's path or its text.
                try await client.execute(uri: "/lessons/broken/", method: .get) { response in
                    let text = String(buffer: response.body)
                    #expect(response.status.code >= 400 && response.status.code < 500)
                    #expect(text.contains("broken.md"))
                    #expect(!text.contains(folder))
                    #expect(!text.contains("root:x"))
                }
                try await client.execute(uri: "/lessons/", method: .get) { response in
                    #expect(!String(buffer: response.body).contains(folder))
                }
            }
        }
    }
}
