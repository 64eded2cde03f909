package dev.roundtrip.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.TransportSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metadata that {@code spring-boot-configuration-processor} generates: every
 * {@code roundtrip.transport.*} property is documented, with its default, and every
 * transport setting has a property.
 */
class ConfigurationMetadataTests {

	private static final Set<String> WITHOUT_DEFAULT = Set.of("roundtrip.transport.hosts",
			"roundtrip.transport.proxy.url", "roundtrip.transport.proxy.non-proxy-hosts",
			"roundtrip.transport.pool-wait-timeout", "roundtrip.transport.max-conn-lifetime-jitter");

	private static List<Map<String, Object>> properties;

	@BeforeAll
	static void readMetadata() throws IOException {
		properties = new ArrayList<>();
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				List<Map<String, Object>> all = JsonPath.read(in, "$.properties[*]");
				all.stream()
					.filter((property) -> ((String) property.get("name")).startsWith("roundtrip.transport."))
					.forEach(properties::add);
			}
		}
	}

	@Test
	void everyPropertyHasADescription() {
		assertThat(properties).isNotEmpty()
			.allSatisfy((property) -> assertThat((String) property.get("description"))
				.as("description of %s", property.get("name"))
				.isNotBlank()
				.endsWith("."));
	}

	@Test
	void everyPropertyWithADefaultDocumentsIt() {
		assertThat(properties).filteredOn((property) -> !WITHOUT_DEFAULT.contains(property.get("name")))
			.allSatisfy((property) -> assertThat(property.get("defaultValue")).as("default of %s", property.get("name"))
				.isNotNull());
	}

	@Test
	void everyTransportSettingHasAProperty() {
		Set<String> names = new TreeSet<>();
		properties.forEach((property) -> names.add((String) property.get("name")));
		for (var component : TransportSettings.class.getRecordComponents()) {
			String name = switch (component.getName()) {
				case "drainOnCloseMaxBytes" -> "drain-on-close.max-bytes";
				case "drainOnCloseTimeout" -> "drain-on-close.timeout";
				case "proxy" -> "proxy.url";
				case "proxyFromEnvironment" -> "proxy.from-environment";
				case "nonProxyHosts" -> "proxy.non-proxy-hosts";
				default -> component.getName().replaceAll("([A-Z])", "-$1").toLowerCase();
			};
			assertThat(names).contains("roundtrip.transport." + name);
		}
		assertThat(names).contains("roundtrip.transport.enabled");
	}

	@Test
	void defaultsAreRecordedAsWritten() {
		assertThat(property("roundtrip.transport.max-idle-conns").get("defaultValue")).isEqualTo(100);
		assertThat(property("roundtrip.transport.idle-conn-timeout").get("defaultValue")).isEqualTo("90s");
		assertThat(property("roundtrip.transport.max-response-header-bytes").get("defaultValue")).isEqualTo("10MB");
		assertThat(property("roundtrip.transport.leak-detection").get("defaultValue")).isEqualTo("simple");
		assertThat(property("roundtrip.transport.enabled").get("defaultValue")).isEqualTo(true);
	}

	@Test
	void hostKeysHaveAHintSoThatIdesCompleteThemWithBrackets() throws IOException {
		List<Map<String, Object>> hints = new ArrayList<>();
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				Map<String, Object> metadata = JsonPath.read(in, "$");
				Object found = metadata.get("hints");
				if (found instanceof List<?> list) {
					list.forEach((hint) -> hints.add(castToMap(hint)));
				}
			}
		}
		assertThat(hints).anySatisfy((hint) -> {
			assertThat(hint.get("name")).isEqualTo("roundtrip.transport.hosts.keys");
			assertThat(hint.get("values").toString()).contains("[api.example.com:443]");
		});
		assertThat(hints)
			.anySatisfy((hint) -> assertThat(hint.get("name")).isEqualTo("roundtrip.transport.hosts.values"));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> castToMap(Object hint) {
		return (Map<String, Object>) hint;
	}

	private static Map<String, Object> property(String name) {
		return properties.stream().filter((property) -> name.equals(property.get("name"))).findFirst().orElseThrow();
	}

}
