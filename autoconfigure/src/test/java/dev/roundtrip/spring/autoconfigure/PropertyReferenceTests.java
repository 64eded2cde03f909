package dev.roundtrip.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation stays current: {@code docs/properties.md} lists every property the
 * starter declares, with its default, and nothing a user reads points at documents they
 * do not have.
 */
class PropertyReferenceTests {

	/** Relative to the module, as Maven runs the tests. */
	private static final Path ROOT = Path.of("..");

	@Test
	void thePropertyReferenceListsEveryPropertyWithItsDefault() throws IOException {
		String reference = Files.readString(ROOT.resolve("docs/properties.md"));
		List<java.util.Map<String, Object>> properties;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			properties = JsonPath.read(in, "$.properties[*]");
		}
		assertThat(properties).isNotEmpty();
		for (java.util.Map<String, Object> property : properties) {
			String name = (String) property.get("name");
			if (name.equals("roundtrip.transport.hosts")) {
				assertThat(reference).contains("`roundtrip.transport.hosts.[host:port].*`");
				continue;
			}
			Object defaultValue = property.get("defaultValue");
			String expected = "| `" + name + "` | "
					+ ((defaultValue != null) ? String.valueOf(defaultValue).toLowerCase() : "none") + " |";
			assertThat(reference.toLowerCase()).as("docs/properties.md has %s with its default", name)
				.contains(expected.toLowerCase());
		}
	}

	@Test
	void noDocumentPointsAtPrivateDesignDocuments() throws IOException {
		try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
			List<Path> files = Stream
				.concat(docs.filter((path) -> path.toString().endsWith(".md")),
						Stream.of(ROOT.resolve("README.md"), ROOT.resolve("samples/README.md")))
				.toList();
			assertThat(files).hasSizeGreaterThan(3);
			for (Path file : files) {
				assertThat(Files.readString(file)).as(file.toString())
					.doesNotContain("../shared")
					.doesNotContain("/work/shared")
					.doesNotContain("DESIGN.md")
					.doesNotContain("GO-TRANSPORT.md")
					.doesNotContain("steering repository");
			}
		}
	}

}
