package dev.roundtrip.spring.observability;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees through Actuator after the auto-configured {@code RestClient} has
 * called the embedded server: {@code /actuator/metrics}, the Prometheus scrape, and
 * {@code /actuator/roundtrip}. Each test calls the server by a host name of its own
 * ({@code localhost}, {@code 127.0.0.1}, {@code 127.0.0.2}), so their meters do not mix.
 */
@SpringBootTest(classes = ObservabilityTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=metrics,prometheus,roundtrip")
class ObservabilityIntegrationTests {

	private static final Duration BOUND = Duration.ofSeconds(5);

	@LocalServerPort
	int port;

	@Autowired
	RestClient.Builder restClientBuilder;

	@Autowired
	Transport transport;

	Actuator actuator;

	@BeforeEach
	void startFromAnEmptyPool() {
		this.transport.closeIdleConnections();
		this.actuator = new Actuator(this.port);
	}

	@Test
	void twentySequentialCallsShowOneIdleConnectionNineteenReusedAndOneNew() {
		call("localhost", 20);
		await().atMost(BOUND)
			.untilAsserted(() -> assertThat(
					this.actuator.measurement("http.client.open_connections", "VALUE", "http.connection.state:idle"))
				.isEqualTo(1));
		assertThat(this.actuator.measurement("http.client.open_connections", "VALUE", "http.connection.state:active"))
			.isZero();
		assertThat(waitTime("localhost", "reused")).isEqualTo(19);
		assertThat(waitTime("localhost", "new")).isEqualTo(1);
		assertThat(this.actuator.measurement("http.client.connection.create_time", "COUNT", "server.address:localhost",
				"outcome:success"))
			.isEqualTo(1);
		String metric = this.actuator.get("/actuator/metrics/http.client.connection.wait_time").body();
		List<String> tagNames = JsonPath.read(metric, "$.availableTags[*].tag");
		assertThat(tagNames).contains("transport", "server.address", "server.port", "url.scheme", "outcome");
		List<List<String>> transports = JsonPath.read(metric, "$.availableTags[?(@.tag == 'transport')].values");
		assertThat(transports).singleElement().isEqualTo(List.of("roundtripTransport"));
	}

	@Test
	void prometheusScrapeCarriesThePoolMetrics() {
		call("127.0.0.2", 3);
		HttpResponse<String> scrape = this.actuator.get("/actuator/prometheus");
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).contains("# TYPE http_client_open_connections gauge")
			.containsPattern("http_client_open_connections\\{[^}]*http_connection_state=\"idle\"[^}]*"
					+ "server_address=\"127.0.0.2\"[^}]*transport=\"roundtripTransport\"[^}]*\\} 1")
			.containsPattern("http_client_connection_wait_time_seconds_count\\{[^}]*outcome=\"reused\"[^}]*"
					+ "server_address=\"127.0.0.2\"[^}]*\\} 2")
			.contains("http_client_connection_create_time_seconds_count")
			.contains("http_client_connection_pending_requests");
	}

	@Test
	void roundtripEndpointShowsTheConnectionAndDeleteEmptiesThePool() {
		call("127.0.0.1", 3);
		String authority = "127.0.0.1:" + this.port;
		HttpResponse<String> all = this.actuator.get("/actuator/roundtrip");
		assertThat(all.statusCode()).isEqualTo(200);
		String body = all.body();
		assertThat((Object) JsonPath.read(body, "$.transports.roundtripTransport.settings['idle-conn-timeout']"))
			.isEqualTo("PT1M30S");
		String destination = "$.transports.roundtripTransport.destinations[?(@.authority == '" + authority + "')]";
		List<Map<String, Object>> connections = JsonPath.read(body, destination + ".connections[*]");
		assertThat(connections).singleElement().satisfies((connection) -> {
			assertThat(connection).containsEntry("state", "idle").containsEntry("requests", 3);
			assertThat((String) connection.get("remoteAddress")).isEqualTo(authority);
			assertThat((String) connection.get("remoteIpAddress")).isEqualTo(authority);
		});
		assertThat((Object) JsonPath.read(body,
				"$.transports.roundtripTransport.clients['spring.http.clients']['dial-timeout'].property"))
			.isEqualTo("roundtrip.transport.dial-timeout");

		HttpResponse<String> one = this.actuator.get("/actuator/roundtrip/" + authority);
		assertThat(one.statusCode()).isEqualTo(200);
		List<String> authorities = JsonPath.read(one.body(),
				"$.transports.roundtripTransport.destinations[*].authority");
		assertThat(authorities).containsExactly(authority);
		assertThat(this.actuator.get("/actuator/roundtrip/127.0.0.1:1").statusCode()).isEqualTo(404);
		assertThat(this.actuator.delete("/actuator/roundtrip/127.0.0.1:1").statusCode()).as("DELETE, like GET")
			.isEqualTo(404);

		assertThat(this.actuator.delete("/actuator/roundtrip").statusCode()).isEqualTo(204);
		String after = this.actuator.get("/actuator/roundtrip").body();
		assertThat((Integer) JsonPath.read(after, "$.transports.roundtripTransport.idle")).isZero();
		assertThat((List<?>) JsonPath.read(after, "$.transports.roundtripTransport.destinations[*].connections[*]"))
			.isEmpty();
		assertThat(this.actuator.measurement("http.client.connection.closed", "COUNT", "server.address:127.0.0.1",
				"reason:close_idle"))
			.isEqualTo(1);
	}

	@Test
	void deleteWithASelectorClosesOnlyThatDestination() {
		call("127.0.0.3", 1);
		call("127.0.0.4", 1);
		assertThat(this.actuator.delete("/actuator/roundtrip/127.0.0.3:" + this.port).statusCode()).isEqualTo(204);
		String after = this.actuator.get("/actuator/roundtrip").body();
		List<String> open = JsonPath.read(after, "$.transports.roundtripTransport.destinations[?(@.idle > 0)].host");
		assertThat(open).containsExactly("127.0.0.4");
	}

	private double waitTime(String host, String outcome) {
		return this.actuator.measurement("http.client.connection.wait_time", "COUNT", "server.address:" + host,
				"outcome:" + outcome);
	}

	private void call(String host, int times) {
		RestClient client = this.restClientBuilder.baseUrl("http://" + host + ":" + this.port).build();
		for (int i = 0; i < times; i++) {
			assertThat(client.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		}
	}

}
