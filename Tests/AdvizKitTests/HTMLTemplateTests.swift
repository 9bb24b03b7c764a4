import AdvizFigures
import Testing

/// Pages written as files with `{{name}}` slots, embedded at build time (#27 item 8).
@Suite struct HTMLTemplateTests {
    @Test func slotsAreFilledInOnePass() {
        let template = HTMLTemplate(Array("<title>{{title}}</title><p>{{body}}</p>{{ not a slot }}{{missing}}".utf8))
        #expect(template.slots == ["title", "body", "missing"])
        // What fills a slot is not read for slots: a program that spells `{{body}}` stays text.
        let page = template.filled(["title": "{{body}}", "body": "x^2"])
        #expect(page == "<title>{{body}}</title><p>x^2</p>{{ not a slot }}{{missing}}")
    }

    @Test func anEmbeddedFileLosesOnlyItsLastNewline() {
        #expect(HTMLTemplate.text(Array("a\nb\n".utf8)) == "a\nb")
        #expect(HTMLTemplate.text(Array("a\n\n".utf8)) == "a\n")
        #expect(HTMLTemplate.text([]) == "")
    }

    @Test func theSlideshowFillsEverySlotOfItsTemplate() {
        let slides = [Slideshow.Slide(image: "frame-001.svg", caption: "v₁ = x₁·x₂", phase: "forward", notes: "<p>why</p>")]
        let page = Slideshow(title: "A <b> test", slides: slides).html()
        #expect(!page.contains("{{"))
        #expect(page.contains("<title>A &lt;b&gt; test</title>"))
        #expect(page.contains("adviz.camera = function"))
        #expect(page.contains("<section class=\"notes\" id=\"notes\"></section>"))
        #expect(page.contains("max=\"1\""))
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"))
        // A caption that spells a slot is data in the script, its braces as written, once.
        let braces = Slideshow(title: "t", slides: [Slideshow.Slide(image: "a.svg", caption: "{{title}}", phase: "forward", notes: nil)]).html()
        #expect(braces.components(separatedBy: "{{title}}").count == 2)
        #expect(!braces.contains("class=\"notes\""))
    }
}
