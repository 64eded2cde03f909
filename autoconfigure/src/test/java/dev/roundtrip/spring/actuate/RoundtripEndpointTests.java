package dev.roundtrip.spring.actuate;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.roundtrip.spring.actuate.RoundtripEndpoint.ConnectionDescriptor;
import dev.roundtrip.spring.actuate.RoundtripEndpoint.DestinationDescriptor;
import dev.roundtrip.spring.actuate.RoundtripEndpoint.TransportDescriptor;
import dev.roundtrip.spring.actuate.RoundtripEndpoint.TransportsDescriptor;
import dev.roundtrip.spring.testing.LoopbackServer;
import dev.roundtrip.spring.testing.TestCertificates;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.HostSettings;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.Transport;
import dev.roundtrip.transport.TransportSettings;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint's operations over real transports and loopback servers. */
class RoundtripEndpointTests {

	private LoopbackServer first;

	private LoopbackServer second;

	private Transport transport;

	private RoundtripEndpoint endpoint;

	@BeforeEach
	void start() throws IOException {
		this.first = new LoopbackServer();
		this.second = new LoopbackServer();
		this.transport = Transport.builder()
			.maxConnsPerHost(8)
			.host("127.0.0.1:" + this.first.port(), HostSettings.INHERIT.withMaxConnsPerHost(2))
			.idleConnTimeout(Duration.ofMinutes(5))
			.proxy(null)
			.build();
		this.endpoint = new RoundtripEndpoint(Map.of("roundtripTransport", this.transport));
	}

	@AfterEach
	void stop() {
		this.transport.close();
		this.first.close();
		this.second.close();
	}

	@Test
	void readShowsTheSettingsAndEachDestinationWithItsConnections() throws IOException {
		for (int i = 0; i < 3; i++) {
			get(this.transport, this.first.uri("/hello"));
		}
		get(this.transport, this.second.uri("/hello"));
		TransportDescriptor transport = this.endpoint.transports().transports().get("roundtripTransport");
		assertThat(transport.idle()).isEqualTo(2);
		assertThat(transport.active()).isZero();
		assertThat(transport.settings()).containsEntry("max-conns-per-host", 8)
			.containsEntry("idle-conn-timeout", "PT5M")
			.containsEntry("leak-detection", "simple")
			.containsEntry("drain-on-close.max-bytes", 65536L)
			.containsEntry("proxy.url", null)
			.containsEntry("hosts", Map.of("127.0.0.1:" + this.first.port(), Map.of("max-conns-per-host", 2)));
		DestinationDescriptor destination = destination(transport, this.first);
		assertThat(destination.scheme()).isEqualTo("http");
		assertThat(destination.host()).isEqualTo("127.0.0.1");
		assertThat(destination.maxConnsPerHost()).isEqualTo(2);
		assertThat(destination.idle()).isEqualTo(1);
		assertThat(destination.connections()).singleElement().satisfies((connection) -> {
			assertThat(connection.state()).isEqualTo("idle");
			assertThat(connection.requests()).isEqualTo(3);
			assertThat(connection.remoteAddress()).isEqualTo("127.0.0.1:" + this.first.port());
			assertThat(connection.localAddress()).startsWith("127.0.0.1:");
			assertThat(Duration.parse(connection.age())).isPositive();
			assertThat(Duration.parse(connection.idleTime()).isNegative()).isFalse();
			assertThat(connection.tlsProtocol()).isNull();
			assertThat(connection.cipherSuite()).isNull();
		});
		assertThat(destination(transport, this.second).maxConnsPerHost()).isEqualTo(8);
		assertThat(destination(transport, this.second).minIdleConns()).isZero();
	}

	@Test
	void readShowsWarmConnectionsPerDestination() throws IOException {
		try (Transport warm = Transport.builder()
			.host("127.0.0.1:" + this.first.port(), HostSettings.INHERIT.withMinIdleConns(2))
			.build()) {
			get(warm, this.first.uri("/hello"));
			RoundtripEndpoint endpoint = new RoundtripEndpoint(Map.of("warm", warm));
			long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			DestinationDescriptor destination;
			while ((destination = destination(endpoint.transports().transports().get("warm"), this.first)).idle() < 2) {
				assertThat(System.nanoTime()).as("two warm connections idle: %s", destination).isLessThan(until);
				Thread.onSpinWait();
			}
			assertThat(destination.minIdleConns()).isEqualTo(2);
			assertThat(endpoint.transports().transports().get("warm").settings()).containsEntry("hosts",
					Map.of("127.0.0.1:" + this.first.port(), Map.of("min-idle-conns", 2)));
		}
	}

	@Test
	void selectorReadsOneDestination() throws IOException {
		get(this.transport, this.first.uri("/hello"));
		get(this.transport, this.second.uri("/hello"));
		TransportsDescriptor one = this.endpoint.destination("127.0.0.1:" + this.second.port());
		assertThat(one.transports().get("roundtripTransport").destinations()).singleElement()
			.satisfies((destination) -> assertThat(destination.port()).isEqualTo(this.second.port()));
		assertThat(one.transports().get("roundtripTransport").idle()).isEqualTo(1);
		assertThat(this.endpoint.destination("127.0.0.1").transports().get("roundtripTransport").destinations())
			.hasSize(2);
		assertThat(this.endpoint.destination("127.0.0.1:1")).as("nothing there: 404").isNull();
	}

	@Test
	void deleteClosesEveryIdleConnection() throws IOException {
		get(this.transport, this.first.uri("/hello"));
		get(this.transport, this.second.uri("/hello"));
		this.endpoint.closeIdleConnections();
		TransportDescriptor transport = this.endpoint.transports().transports().get("roundtripTransport");
		assertThat(transport.idle()).isZero();
		assertThat(transport.destinations()).allSatisfy((d) -> assertThat(d.connections()).isEmpty());
	}

	@Test
	void deleteWithSelectorClosesOnlyThatDestinationsIdleConnections() throws IOException {
		get(this.transport, this.first.uri("/hello"));
		get(this.transport, this.second.uri("/hello"));
		this.endpoint.closeIdleConnectionsTo("127.0.0.1:" + this.first.port());
		TransportDescriptor transport = this.endpoint.transports().transports().get("roundtripTransport");
		assertThat(transport.idle()).isEqualTo(1);
		assertThat(destination(transport, this.second).idle()).isEqualTo(1);
	}

	@Test
	void everyTransportShowsUnderItsName() throws IOException {
		try (Transport other = Transport.builder().maxIdleConns(7).build()) {
			Map<String, Transport> transports = new LinkedHashMap<>();
			transports.put("roundtripTransport", this.transport);
			transports.put("partnerTransport", other);
			RoundtripEndpoint endpoint = new RoundtripEndpoint(transports);
			get(other, this.first.uri("/hello"));
			TransportsDescriptor all = endpoint.transports();
			assertThat(all.transports()).containsOnlyKeys("roundtripTransport", "partnerTransport");
			assertThat(all.transports().get("partnerTransport").settings()).containsEntry("max-idle-conns", 7);
			assertThat(all.transports().get("partnerTransport").idle()).isEqualTo(1);
			assertThat(all.transports().get("roundtripTransport").idle()).isZero();
		}
	}

	@Test
	void tlsConnectionsShowTheirProtocolAndCipherSuite() throws Exception {
		TestCertificates tls = TestCertificates.generate();
		try (LoopbackServer https = new LoopbackServer(tls.serverContext());
				Transport transport = Transport.builder().sslContext(tls.clientContext()).build()) {
			get(transport, https.uri("/hello"));
			ConnectionDescriptor connection = new RoundtripEndpoint(Map.of("t", transport))
				.destination("localhost:" + https.port())
				.transports()
				.get("t")
				.destinations()
				.get(0)
				.connections()
				.get(0);
			assertThat(connection.tlsProtocol()).startsWith("TLSv1.");
			assertThat(connection.cipherSuite()).startsWith("TLS_");
		}
	}

	@Test
	void proxyPasswordIsMasked() {
		TransportSettings settings = Transport.builder()
			.proxy(URI.create("http://user:secret@proxy.example:3128"))
			.build()
			.settings();
		assertThat(RoundtripEndpoint.settings(settings)).containsEntry("proxy.url",
				"http://user:******@proxy.example:3128");
	}

	@Test
	void selectorAcceptsHostPortIpv6AndBareHost() {
		Destination v4 = new Destination("http", "127.0.0.1", 8080, null, null);
		Destination v6 = new Destination("http", "::1", 8080, null, null);
		Destination named = new Destination("https", "API.example.com", 443, null, null);
		assertThat(RoundtripEndpoint.matcher("127.0.0.1:8080")).accepts(v4).rejects(v6, named);
		assertThat(RoundtripEndpoint.matcher("127.0.0.1:8081")).rejects(v4);
		assertThat(RoundtripEndpoint.matcher("[::1]:8080")).accepts(v6).rejects(v4);
		assertThat(RoundtripEndpoint.matcher("::1:8080")).accepts(v6);
		assertThat(RoundtripEndpoint.matcher("[::1]")).accepts(v6);
		assertThat(RoundtripEndpoint.matcher("api.example.com")).accepts(named);
		assertThat(RoundtripEndpoint.matcher("Api.Example.com:443")).accepts(named);
	}

	private static DestinationDescriptor destination(TransportDescriptor transport, LoopbackServer server) {
		return transport.destinations()
			.stream()
			.filter((destination) -> destination.port() == server.port())
			.findFirst()
			.orElseThrow();
	}

	private static void get(Transport transport, URI uri) throws IOException {
		try (Response response = transport.roundTrip(Request.get(uri))) {
			response.body().readAllBytes();
		}
	}

}
