package dev.roundtrip.spring.actuate;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.mock.env.MockEnvironment;

import dev.roundtrip.spring.actuate.ClientTimeouts.LimitDescriptor;
import dev.roundtrip.spring.actuate.RoundtripEndpoint.ConnectionDescriptor;
import dev.roundtrip.spring.actuate.RoundtripEndpoint.DestinationDescriptor;
import dev.roundtrip.spring.actuate.RoundtripEndpoint.HistoryDescriptor;
import dev.roundtrip.spring.actuate.RoundtripEndpoint.TransportDescriptor;
import dev.roundtrip.spring.testing.LoopbackServer;
import dev.roundtrip.transport.DestinationHistory;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint tells what is really in force: the timeouts Spring Boot's clients apply
 * over the transport's, the IP address behind a host name, and 404 for a DELETE of
 * nothing.
 */
class RoundtripEndpointLimitsTests {

	private LoopbackServer server;

	private Transport transport;

	@BeforeEach
	void start() throws IOException {
		this.server = new LoopbackServer();
		this.transport = Transport.builder().dialTimeout(Duration.ofSeconds(7)).build();
	}

	@AfterEach
	void stop() {
		this.transport.close();
		this.server.close();
	}

	@Test
	void springTimeoutsAndServiceGroupTimeoutsOverridingTheTransportsAreShownWithTheirProperty() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.http.clients.connect-timeout", "2s")
			.withProperty("spring.http.serviceclient.billing.read-timeout", "5s")
			.withProperty("spring.http.serviceclient.billing.base-url", "http://billing.internal")
			.withProperty("spring.http.serviceclient.search.base-url", "http://search.internal");
		RoundtripEndpoint endpoint = new RoundtripEndpoint(Map.of("roundtripTransport", this.transport), this.transport,
				new ClientTimeouts(environment));
		Map<String, Map<String, LimitDescriptor>> clients = endpoint.transports()
			.transports()
			.get("roundtripTransport")
			.clients();
		assertThat(clients).containsOnlyKeys("spring.http.clients", "spring.http.serviceclient.billing",
				"spring.http.serviceclient.search");
		assertThat(clients.get("spring.http.clients"))
			.containsEntry("dial-timeout", new LimitDescriptor("PT2S", "spring.http.clients.connect-timeout", true))
			.containsEntry("read-timeout", new LimitDescriptor("PT0S", "roundtrip.transport.read-timeout", false));
		assertThat(clients.get("spring.http.serviceclient.billing"))
			.containsEntry("dial-timeout", new LimitDescriptor("PT2S", "spring.http.clients.connect-timeout", true))
			.containsEntry("read-timeout",
					new LimitDescriptor("PT5S", "spring.http.serviceclient.billing.read-timeout", true));
		assertThat(clients.get("spring.http.serviceclient.search")).containsEntry("read-timeout",
				new LimitDescriptor("PT0S", "roundtrip.transport.read-timeout", false));
	}

	@Test
	void withoutSpringTimeoutsTheTransportsOwnAreInForce() {
		RoundtripEndpoint endpoint = new RoundtripEndpoint(Map.of("roundtripTransport", this.transport), this.transport,
				new ClientTimeouts(new MockEnvironment()));
		assertThat(endpoint.transports().transports().get("roundtripTransport").clients())
			.containsOnlyKeys("spring.http.clients")
			.extractingByKey("spring.http.clients")
			.isEqualTo(Map.of("dial-timeout", new LimitDescriptor("PT7S", "roundtrip.transport.dial-timeout", false),
					"read-timeout", new LimitDescriptor("PT0S", "roundtrip.transport.read-timeout", false)));
	}

	@Test
	void aTransportTheAutoConfiguredClientsDoNotUseShowsNoClients() throws IOException {
		try (Transport other = Transport.builder().build()) {
			Map<String, Transport> transports = new LinkedHashMap<>();
			transports.put("roundtripTransport", this.transport);
			transports.put("partnerTransport", other);
			RoundtripEndpoint endpoint = new RoundtripEndpoint(transports, this.transport,
					new ClientTimeouts(new MockEnvironment()));
			Map<String, TransportDescriptor> described = endpoint.transports().transports();
			assertThat(described).containsOnlyKeys("roundtripTransport", "partnerTransport");
			assertThat(described.get("partnerTransport").clients()).isNull();
		}
	}

	@Test
	void aConnectionShowsTheIpAddressBehindTheHostName() throws IOException {
		get(URI.create("http://localhost:" + this.server.port() + "/hello"));
		ConnectionDescriptor connection = new RoundtripEndpoint(Map.of("t", this.transport)).transports()
			.transports()
			.get("t")
			.destinations()
			.get(0)
			.connections()
			.get(0);
		assertThat(connection.remoteAddress()).isEqualTo("localhost:" + this.server.port());
		assertThat(connection.remoteIpAddress())
			.matches("(127\\.0\\.0\\.1|\\[0:0:0:0:0:0:0:1\\]):" + this.server.port());
	}

	@Test
	void deleteOfADestinationThatIsNotInAnyPoolAnswers404LikeARead() throws IOException {
		get(this.server.uri("/hello"));
		RoundtripEndpoint endpoint = new RoundtripEndpoint(Map.of("t", this.transport));
		assertThat(endpoint.destination("127.0.0.1:1")).isNull();
		assertThat(endpoint.closeIdleConnectionsTo("127.0.0.1:1").getStatus())
			.isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
		assertThat(endpoint.closeIdleConnectionsTo("127.0.0.1:" + this.server.port()).getStatus())
			.isEqualTo(WebEndpointResponse.STATUS_NO_CONTENT);
		assertThat(this.transport.stats().idle()).isZero();
	}

	@Test
	void aDestinationWhoseLastConnectionClosedIsStillListedWithItsCountersAndWhenItWillBeForgotten()
			throws IOException {
		try (Transport oneShot = Transport.builder().disableKeepAlives(true).build()) {
			try (Response response = oneShot.roundTrip(Request.get(this.server.uri("/hello")))) {
				response.body().readAllBytes();
			}
			assertThat(oneShot.stats().destinations()).isEmpty();
			RoundtripEndpoint endpoint = new RoundtripEndpoint(Map.of("t", oneShot));
			String authority = "127.0.0.1:" + this.server.port();
			DestinationDescriptor destination = endpoint.transports().transports().get("t").destinations().get(0);
			assertThat(destination.authority()).isEqualTo(authority);
			assertThat(destination.connections()).isEmpty();
			assertThat(destination.idle() + destination.active()).isZero();
			HistoryDescriptor history = destination.history();
			assertThat(history).isNotNull();
			assertThat(history.opened()).isEqualTo(1);
			assertThat(history.closed()).isEqualTo(Map.of("keep_alives_disabled", 1L));
			assertThat(history.requests()).isEqualTo(1);
			assertThat(Duration.between(Instant.parse(history.emptySince()), Instant.parse(history.forgetAt())))
				.isEqualTo(DestinationHistory.RETENTION);
			assertThat(endpoint.destination(authority)).as("still there for GET by selector").isNotNull();
			assertThat(endpoint.closeIdleConnectionsTo(authority).getStatus())
				.isEqualTo(WebEndpointResponse.STATUS_NO_CONTENT);
		}
	}

	private void get(URI uri) throws IOException {
		try (Response response = this.transport.roundTrip(Request.get(uri))) {
			response.body().readAllBytes();
		}
	}

}
