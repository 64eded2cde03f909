package dev.roundtrip.spring.integration;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.DefaultUriBuilderFactory;

import dev.roundtrip.spring.autoconfigure.RoundtripTransportAutoConfiguration;
import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactory;
import dev.roundtrip.spring.testing.TestCertificates;
import dev.roundtrip.transport.Transport;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What a hostile server or hostile input can do through Spring's {@link RestClient} on
 * Roundtrip: TLS that a misspelt property cannot weaken, no TLS 1.0 or 1.1 offered,
 * certificate errors that name the host; user-controlled values that would inject header
 * lines or split the request refused before anything is sent; and responses shaped for
 * request smuggling (Content-Length beside Transfer-Encoding, obs-fold in framing
 * headers, whitespace before the colon) refused or neutralised, each asserted exactly.
 */
class RestClientSecurityTests {

	private static TestCertificates certificates;

	private final Transport transport = Transport.builder().build();

	private final RestClient restClient = RestClient.builder()
		.requestFactory(new RoundtripClientHttpRequestFactory(this.transport))
		.build();

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(RoundtripTransportAutoConfiguration.class, SslAutoConfiguration.class, HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class));

	@BeforeAll
	static void makeCertificates() throws Exception {
		certificates = TestCertificates.generate();
	}

	@AfterEach
	void closeTransport() {
		this.transport.close();
	}

	// --- TLS

	/**
	 * The bundle trusts the server's certificate, issued to {@code localhost}: by name it
	 * works, by address it must fail on the name, whatever was misspelt next to it.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "roundtrip.transport.hostname-verification=false",
			"roundtrip.transport.disable-hostname-verification=true", "roundtrip.transport.hostname-verifier=none",
			"roundtrip.transport.insecure-skip-verify=true", "roundtrip.transport.tls.verify-hostname=false",
			"roundtrip.transport.ssl.hostname-verification=false", "spring.http.clients.ssl.verify-hostname=false",
			"spring.ssl.bundle.jks.client.options.verify-hostname=false" })
	void hostnameVerificationCannotBeTurnedOffByAMisspeltProperty(String typo) throws Exception {
		try (RawServer server = httpsServer()) {
			withTrustingBundle().withPropertyValues(typo).run((context) -> {
				assertThat(context).hasNotFailed();
				RestClient client = context.getBean(RestClient.Builder.class).build();
				assertThat(client.get().uri("https://localhost:" + server.port() + "/").retrieve().body(String.class))
					.isEqualTo("secure");

				String byAddress = "https://127.0.0.1:" + server.port() + "/";
				assertThatExceptionOfType(ResourceAccessException.class)
					.isThrownBy(() -> client.get().uri(byAddress).retrieve().body(String.class))
					.withCauseInstanceOf(SSLException.class)
					.withMessageContaining("TLS handshake with " + byAddress.substring(0, byAddress.length() - 1))
					.withMessageContaining("No subject alternative names matching IP address 127.0.0.1");
			});
		}
	}

	@Test
	void certificateErrorsNameTheHost() throws Exception {
		try (RawServer server = httpsServer()) {
			String url = "https://localhost:" + server.port();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> this.restClient.get().uri(url + "/").retrieve().body(String.class))
				.withCauseInstanceOf(SSLException.class)
				.withMessageContaining("TLS handshake with " + url + " failed")
				.withMessageContaining("PKIX path building failed");
		}
	}

	/** The versions the ClientHello offers, by default and through a bundle. */
	@Test
	void tls10And11AreNotOfferedByDefault() throws Exception {
		assertThat(offeredVersions(this.restClient)).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
		withTrustingBundle()
			.run((context) -> assertThat(offeredVersions(context.getBean(RestClient.Builder.class).build()))
				.containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2"));
	}

	@Test
	void theProtocolsOfTheBundleAreWhatIsOffered() throws Exception {
		withTrustingBundle().withPropertyValues("spring.ssl.bundle.jks.client.options.enabled-protocols=TLSv1.3")
			.run((context) -> assertThat(offeredVersions(context.getBean(RestClient.Builder.class).build()))
				.containsExactly("TLSv1.3"));
	}

	// --- Header injection and request splitting: refused before anything is sent

	@ParameterizedTest(name = "value {0}")
	@ValueSource(strings = { "a\r\nX-Injected: yes", "a\nX-Injected: yes", "a\rX-Injected: yes", "a\u0000b",
			"a\r\n\r\nGET /smuggled HTTP/1.1" })
	void headerValueWithCrLfOrNulIsRefusedAndNothingIsSent(String value) {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "sent"))) {
			Throwable failure = catchThrowable(() -> this.restClient.get()
				.uri(server.uri("/"))
				.header("X-User", value)
				.retrieve()
				.toBodilessEntity());

			assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-User");
			assertThat(server.acceptedConnections()).as("no connection was made").isZero();
		}
	}

	@ParameterizedTest(name = "name {0}")
	@ValueSource(strings = { "X-User\r\nX-Injected", "X User", "X-User:", "X-User\u0000" })
	void headerNameThatIsNotATokenIsRefusedAndNothingIsSent(String name) {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "sent"))) {
			Throwable failure = catchThrowable(
					() -> this.restClient.get().uri(server.uri("/")).header(name, "v").retrieve().toBodilessEntity());

			assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Header name");
			assertThat(server.acceptedConnections()).as("no connection was made").isZero();
		}
	}

	/**
	 * A user's value in a URI template is encoded by Spring; with Spring's encoding off,
	 * {@link java.net.URI} refuses it before anything is sent. No space, CR or LF reaches
	 * the request line either way.
	 */
	@ParameterizedTest(name = "path variable {0}")
	@ValueSource(strings = { "a b", "a\r\nHost: evil", "a HTTP/1.1\r\nX-Injected: yes\r\n\r\nGET /x" })
	void requestTargetWithSpacesOrLineBreaksIsEncodedOrRefused(String variable) {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, ex.target()))) {
			String target = this.restClient.get()
				.uri(server.url("/items/{name}"), variable)
				.retrieve()
				.body(String.class);
			assertThat(target).startsWith("/items/a%").doesNotContain(" ", "\r", "\n");
			assertThat(server.requests()).singleElement()
				.satisfies((request) -> assertThat(request.headers("X-Injected")).isEmpty());

			DefaultUriBuilderFactory raw = new DefaultUriBuilderFactory();
			raw.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.NONE);
			RestClient unencoded = this.restClient.mutate().uriBuilderFactory(raw).build();
			assertThat(catchThrowable(
					() -> unencoded.get().uri(server.url("/items/{name}"), variable).retrieve().toBodilessEntity()))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("Illegal character");
			assertThat(server.requests()).as("only the encoded request arrived").hasSize(1);
		}
	}

	/**
	 * Characters beyond Latin-1 go out percent-encoded as UTF-8: a character whose low
	 * byte is LF (U+010A) must not become a line break.
	 */
	@Test
	void charactersBeyondLatin1InThePathArePercentEncodedNotTruncatedToControlBytes() {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, ex.target()))) {
			String target = this.restClient.get()
				.uri(java.net.URI.create(server.url("/\u010a\u010dX-Injected:\u0120yes")))
				.retrieve()
				.body(String.class);
			assertThat(target).isEqualTo("/%C4%8A%C4%8DX-Injected:%C4%A0yes");
		}
	}

	// --- Smuggling shapes in responses

	/**
	 * RFC 9112 §6.3: with both, Transfer-Encoding wins, and the connection is not trusted
	 * with another exchange.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			CL then TE | Content-Length: 3\\r\\nTransfer-Encoding: chunked
			TE then CL | Transfer-Encoding: chunked\\r\\nContent-Length: 3
			""")
	void contentLengthBesideTransferEncodingIsReadAsChunkedAndTheConnectionClosed(String shape, String headers)
			throws Exception {
		String head = "HTTP/1.1 200 OK\r\n" + unescape(headers) + "\r\n\r\n";
		try (ScriptedServer server = smuggler(head + "5\r\nhello\r\n0\r\n\r\n")) {
			// Through Spring's converter, which reads Content-Length bytes: a stale
			// Content-Length once truncated this to "hel".
			String body = this.restClient.get().uri(server.uri("/shape")).retrieve().body(String.class);
			assertThat(body).isEqualTo("hello");
			server.awaitClientClosed(1, java.time.Duration.ofSeconds(5));
			assertThat(get(server, "/next")).as("on a new connection").isEqualTo("next on 2");
		}
	}

	// Go's fixLength collapses identical values; Spring once got "5, 5" and threw
	// NumberFormatException.
	@Test
	void identicalContentLengthsReachSpringAsOne() throws Exception {
		try (ScriptedServer server = smuggler("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello")) {
			assertThat(this.restClient.get().uri(server.uri("/shape")).retrieve().body(String.class))
				.isEqualTo("hello");
		}
	}

	/**
	 * Refused: each of these is read differently by different parsers, so the one safe
	 * reading is none. The connection is closed, and the next request gets a new one.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					obs-fold inside Content-Length | Content-Length: 5\\r\\n 0                 | malformed Content-Length "5 0"
					space before the colon         | Content-Length : 5                        | whitespace between the field name and the colon
					tab before the colon           | Transfer-Encoding\\t: chunked              | whitespace between the field name and the colon
					space before the colon, TE     | Transfer-Encoding : chunked\\r\\nContent-Length: 5 | whitespace between the field name and the colon
					differing Content-Length       | Content-Length: 5\\r\\nContent-Length: 6  | differing Content-Length values
					signed Content-Length          | Content-Length: +5                        | malformed Content-Length
					chunked not last               | Transfer-Encoding: chunked, identity      | unsupported Transfer-Encoding
					unknown coding                 | Transfer-Encoding: xchunked               | unsupported Transfer-Encoding
					CR inside a value              | X-Note: a\\rContent-Length: 0\\r\\nContent-Length: 5 | malformed header line
					NUL inside a value             | X-Note: a\\u0000b\\r\\nContent-Length: 5  | malformed header line
					""")
	void ambiguousFramingIsRefused(String shape, String headers, String message) throws Exception {
		String response = "HTTP/1.1 200 OK\r\n" + unescape(headers) + "\r\n\r\nhello";
		try (ScriptedServer server = smuggler(response)) {
			assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> get(server, "/shape"))
				.havingCause()
				.isInstanceOf(ProtocolException.class)
				.withMessageContaining(message);
			server.awaitClientClosed(1, java.time.Duration.ofSeconds(5));
			assertThat(get(server, "/next")).as("on a new connection").isEqualTo("next on 2");
		}
	}

	/**
	 * A folded line is part of the header above it (RFC 9112 §5.2: replaced by a space):
	 * a {@code Transfer-Encoding} hidden in a fold frames nothing.
	 */
	@Test
	void transferEncodingHiddenInAFoldedLineFramesNothing() throws Exception {
		String response = "HTTP/1.1 200 OK\r\nX-Note: a\r\n Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello";
		try (ScriptedServer server = smuggler(response)) {
			ResponseEntity<String> entity = this.restClient.get()
				.uri(server.uri("/shape"))
				.retrieve()
				.toEntity(String.class);
			assertThat(entity.getBody()).isEqualTo("hello");
			assertThat(entity.getHeaders().get("X-Note")).containsExactly("a Transfer-Encoding: chunked");
			assertThat(entity.getHeaders().containsHeader("Transfer-Encoding")).isFalse();
			assertThat(get(server, "/next")).as("framing was clear: the connection is kept").isEqualTo("next on 1");
		}
	}

	/**
	 * RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 response means faulty framing; the
	 * connection is closed after it, whatever {@code Connection: keep-alive} says.
	 */
	@Test
	void transferEncodingOnHttp10IsNeverTrustedWithAnotherExchange() throws Exception {
		String response = "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n"
				+ "Connection: keep-alive\r\n\r\nhello";
		try (ScriptedServer server = smuggler(response)) {
			Throwable failure = catchThrowable(() -> get(server, "/shape"));
			if (failure != null) {
				assertThat(failure).isInstanceOf(ResourceAccessException.class)
					.cause()
					.isInstanceOf(ProtocolException.class);
			}
			server.awaitClientClosed(1, java.time.Duration.ofSeconds(5));
			assertThat(get(server, "/next")).as("on a new connection").isEqualTo("next on 2");
		}
	}

	// --- helpers

	/**
	 * Answers {@code /shape} with {@code response} and anything else with
	 * {@code "<path> on <connection>"}.
	 */
	private static ScriptedServer smuggler(String response) {
		return ScriptedServer.start((ex) -> {
			if (ex.target().equals("/shape")) {
				ex.write(response);
			}
			else {
				ex.respond(200, ex.target().substring(1) + " on " + ex.connectionId());
			}
		});
	}

	private String get(ScriptedServer server, String path) {
		return this.restClient.get().uri(server.uri(path)).retrieve().body(String.class);
	}

	private static String unescape(String text) {
		return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").replace("\\u0000", "\u0000");
	}

	/** An HTTPS server with the certificate for {@code localhost}, answering "secure". */
	private static RawServer httpsServer() throws Exception {
		return RawServer.startTls(certificates.serverContext(), (conn) -> {
			while (conn.readHead() != null) {
				conn.respond(200, "secure");
			}
		});
	}

	/**
	 * The auto-configuration, its clients trusting the test certificate through a bundle.
	 */
	private ApplicationContextRunner withTrustingBundle() {
		String prefix = "spring.ssl.bundle.jks.client.truststore.";
		return this.runner.withPropertyValues("spring.http.clients.ssl.bundle=client",
				prefix + "location=file:" + certificates.trustStore(), prefix + "password=" + TestCertificates.PASSWORD,
				prefix + "type=PKCS12");
	}

	/**
	 * Sends a request through {@code client} to a server that reads the ClientHello and
	 * hangs up; returns the protocol versions it offered.
	 */
	private static List<String> offeredVersions(RestClient client) throws Exception {
		List<byte[]> hellos = new CopyOnWriteArrayList<>();
		try (RawServer server = RawServer.start((conn) -> hellos.add(readRecord(conn.in())))) {
			assertThat(catchThrowable(
					() -> client.get().uri("https://localhost:" + server.port() + "/").retrieve().toBodilessEntity()))
				.as("the handshake cannot complete")
				.isInstanceOf(ResourceAccessException.class);
			assertThat(hellos).hasSize(1);
			return ClientHello.versions(hellos.get(0));
		}
	}

	private static byte[] readRecord(InputStream in) throws IOException {
		byte[] header = in.readNBytes(5);
		int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
		byte[] record = new byte[5 + length];
		System.arraycopy(header, 0, record, 0, 5);
		System.arraycopy(in.readNBytes(length), 0, record, 5, length);
		return record;
	}

	/** Just enough of RFC 8446 §4.1.2 to read what a ClientHello offers. */
	private static final class ClientHello {

		/**
		 * The {@code supported_versions} extension's list, or the legacy version alone
		 * when there is none.
		 */
		static List<String> versions(byte[] record) {
			assertThat(record[0]).as("a handshake record").isEqualTo((byte) 0x16);
			assertThat(record[5]).as("a ClientHello").isEqualTo((byte) 0x01);
			int p = 9;
			int legacy = u16(record, p);
			p += 2 + 32;
			p += 1 + (record[p] & 0xff);
			p += 2 + u16(record, p);
			p += 1 + (record[p] & 0xff);
			int end = p + 2 + u16(record, p);
			p += 2;
			while (p < end) {
				int type = u16(record, p);
				int length = u16(record, p + 2);
				if (type == 0x002b) {
					List<String> versions = new ArrayList<>();
					int count = record[p + 4] & 0xff;
					for (int i = 0; i < count; i += 2) {
						versions.add(name(u16(record, p + 5 + i)));
					}
					return versions;
				}
				p += 4 + length;
			}
			return List.of(name(legacy));
		}

		private static int u16(byte[] bytes, int at) {
			return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
		}

		private static String name(int version) {
			return switch (version) {
				case 0x0304 -> "TLSv1.3";
				case 0x0303 -> "TLSv1.2";
				case 0x0302 -> "TLSv1.1";
				case 0x0301 -> "TLSv1";
				case 0x0300 -> "SSLv3";
				default -> String.format("0x%04x", version);
			};
		}

	}

}
