package dev.roundtrip.spring.integration;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import dev.roundtrip.spring.integration.IntegrationTestApplication.SlowGate;
import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.TransportTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code spring.http.clients.read-timeout}: a timed-out exchange's connection is closed,
 * never reused.
 */
@SpringBootTest(classes = IntegrationTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.http.clients.read-timeout=100ms")
class ReadTimeoutIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	RestClient.Builder restClientBuilder;

	@Autowired
	ServerConnections server;

	@Autowired
	ClientConnections client;

	@Autowired
	SlowGate slowGate;

	@AfterEach
	void openTheGate() {
		this.slowGate.open();
	}

	@Test
	void readTimeoutFailsTheExchangeAndTheNextRequestOpensANewConnection() {
		this.slowGate.close();
		RestClient restClient = this.restClientBuilder.baseUrl("http://localhost:" + this.port).build();
		assertThat(restClient.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> restClient.get().uri("/slow").retrieve().body(String.class))
			.havingRootCause()
			.isInstanceOfSatisfying(TransportTimeoutException.class,
					(ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.READ));
		this.slowGate.open();
		assertThat(restClient.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		assertThat(this.server.count()).isEqualTo(2);
		assertThat(this.client.dialed()).isEqualTo(2);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.client.closed(CloseReason.TIMEOUT)).isEqualTo(1));
	}

}
