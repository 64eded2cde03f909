package dev.roundtrip.spring.observability;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection left idle past {@code idle-conn-timeout} is closed by the transport, and
 * the metrics say why and for how long it lived.
 */
@SpringBootTest(classes = ObservabilityTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=metrics",
				"roundtrip.transport.idle-conn-timeout=200ms" })
class IdleTimeoutMetricsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	RestClient.Builder restClientBuilder;

	@Test
	void idleConnectionClosedByTheTimeoutIsCountedWithReasonIdleTimeout() {
		RestClient client = this.restClientBuilder.baseUrl("http://localhost:" + this.port).build();
		assertThat(client.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		Actuator actuator = new Actuator(this.port);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(actuator.measurement("http.client.connection.closed", "COUNT",
					"server.address:localhost", "reason:idle_timeout"))
				.isEqualTo(1));
		assertThat(actuator.measurement("http.client.connection.duration", "COUNT", "server.address:localhost"))
			.isEqualTo(1);
		assertThat(actuator.measurement("http.client.connection.duration", "TOTAL_TIME", "server.address:localhost"))
			.as("lived at least its idle timeout, in seconds")
			.isGreaterThanOrEqualTo(0.2);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(
					actuator.measurement("http.client.open_connections", "VALUE", "server.address:localhost"))
				.isZero());
	}

}
