package dev.roundtrip.spring.observability;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that calls 150 hosts (127.0.0.2 to 127.0.0.151, all the embedded server on
 * loopback) gets meters for the first 100 and counts the other 50 under
 * {@code server.address=other}: the registry does not grow with the hosts.
 */
@SpringBootTest(classes = ObservabilityTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=metrics,prometheus")
class DestinationCapIntegrationTests {

	private static final int HOSTS = 150;

	@LocalServerPort
	int port;

	@Autowired
	RestClient.Builder restClientBuilder;

	@Test
	void destinationsBeyondOneHundredAreCountedAsOther() {
		RestClient client = this.restClientBuilder.build();
		for (int i = 0; i < HOSTS; i++) {
			String body = client.get()
				.uri("http://127.0.0." + (2 + i) + ":" + this.port + "/hello")
				.retrieve()
				.body(String.class);
			assertThat(body).isEqualTo("Hello, World!");
		}
		Actuator actuator = new Actuator(this.port);
		String metric = actuator.get("/actuator/metrics/http.client.connection.wait_time").body();
		List<List<String>> addresses = JsonPath.read(metric, "$.availableTags[?(@.tag == 'server.address')].values");
		assertThat(addresses).singleElement().satisfies((values) -> {
			assertThat(values).hasSize(101).contains("other", "127.0.0.2", "127.0.0.101");
			assertThat(values).doesNotContain("127.0.0.102", "127.0.0.151");
		});
		assertThat(actuator.measurement("http.client.connection.wait_time", "COUNT", "server.address:other"))
			.isEqualTo(50);
		assertThat(actuator.measurement("http.client.connection.create_time", "COUNT", "server.address:other"))
			.isEqualTo(50);

		String scrape = actuator.get("/actuator/prometheus").body();
		Matcher matcher = Pattern.compile("http_client_open_connections\\{[^}]*server_address=\"([^\"]+)\"")
			.matcher(scrape);
		Set<String> scraped = matcher.results().map((result) -> result.group(1)).collect(Collectors.toSet());
		assertThat(scraped).hasSize(101).contains("other");
	}

}
