package dev.roundtrip.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link Transport.Builder#addressFilter}: refused addresses are never connected to, the
 * proxy's included. All of 127.0.0.0/8 is loopback on Linux, so 127.0.0.2 stands for an
 * address the application must not reach.
 */
class AddressFilterTests {

	private static final AddressFilter NOT_127_0_0_2 = (address) -> !address.getHostAddress().equals("127.0.0.2");

	@Test
	void aRefusedAddressIsNeverConnectedTo() throws Exception {
		InetAddress forbidden = InetAddress.getByName("127.0.0.2");
		try (ServerSocket server = new ServerSocket(0, 50, forbidden);
				Transport transport = Transport.builder().addressFilter(NOT_127_0_0_2).build()) {
			URI target = URI.create("http://127.0.0.2:" + server.getLocalPort() + "/");
			assertThatExceptionOfType(FilteredAddressException.class)
				.isThrownBy(() -> transport.roundTrip(Request.get(target)))
				.satisfies((ex) -> {
					assertThat(ex.host()).isEqualTo("127.0.0.2");
					assertThat(ex.refused()).containsExactly(forbidden);
				})
				.withMessageContaining("127.0.0.2");
			// A connect would have completed into the backlog: nothing is there.
			server.setSoTimeout(50);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(server::accept);
		}
	}

	@Test
	void aPermittedAddressIsConnectedToAsUsual() throws IOException {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello"));
				Transport transport = Transport.builder().addressFilter(NOT_127_0_0_2).build()) {
			assertThat(Fetch.text(transport, server.uri("/"))).isEqualTo("hello");
			assertThat(transport.addressFilter()).isSameAs(NOT_127_0_0_2);
		}
	}

	@Test
	void theProxysAddressIsCheckedToo() throws Exception {
		try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"));
				Transport transport = Transport.builder()
					.proxy(URI.create("http://127.0.0.2:" + proxy.getLocalPort()))
					.addressFilter(NOT_127_0_0_2)
					.build()) {
			assertThatExceptionOfType(FilteredAddressException.class)
				.isThrownBy(() -> transport.roundTrip(Request.get("http://127.0.0.1:9/")))
				.withMessageContaining("proxy host 127.0.0.2");
			proxy.setSoTimeout(50);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(proxy::accept);
		}
	}

	@Test
	void withoutAFilterEveryAddressIsPermitted() {
		try (Transport transport = Transport.builder().build()) {
			assertThat(transport.addressFilter()).isNull();
		}
	}

}
