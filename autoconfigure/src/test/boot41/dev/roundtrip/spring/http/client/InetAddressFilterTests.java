package dev.roundtrip.spring.http.client;

import java.io.IOException;
import java.net.InetAddress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.http.client.FilteredHostException;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.InetAddressFilter;
import org.springframework.web.client.RestClient;

import dev.roundtrip.transport.AddressFilter;
import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Boot 4.1's {@code HttpClientSettings.inetAddressFilter()}, applied by the transport at
 * dial time. All of 127.0.0.0/8 is loopback on Linux: 127.0.0.2 is refused, 127.0.0.1
 * allowed.
 */
class InetAddressFilterTests {

	private static final InetAddressFilter NOT_127_0_0_2 = InetAddressFilter.all().andNot("127.0.0.2");

	private static final HttpClientSettings SETTINGS = HttpClientSettings.defaults()
		.withInetAddressFilter(NOT_127_0_0_2);

	private final Transport transport = Transport.builder()
		.addressFilter(RoundtripClientHttpRequestFactoryBuilder.addressFilter(SETTINGS))
		.build();

	private final RoundtripClientHttpRequestFactoryBuilder builder = new RoundtripClientHttpRequestFactoryBuilder(
			this.transport);

	private final CookieServer server;

	InetAddressFilterTests() throws IOException {
		this.server = new CookieServer();
	}

	@AfterEach
	void close() {
		this.server.close();
		this.transport.close();
	}

	@Test
	void aRefusedHostFailsWithBootsFilteredHostException() {
		RestClient client = RestClient.builder().requestFactory(this.builder.build(SETTINGS)).build();
		assertThatExceptionOfType(FilteredHostException.class)
			.isThrownBy(() -> client.get().uri("http://127.0.0.2:9/").retrieve().toBodilessEntity())
			.satisfies((ex) -> {
				assertThat(ex.getHost()).isEqualTo("127.0.0.2");
				assertThat(ex.getFilter()).isSameAs(NOT_127_0_0_2);
			});
	}

	@Test
	void aRedirectToARefusedHostFailsToo() {
		RestClient client = RestClient.builder().requestFactory(this.builder.build(SETTINGS)).build();
		assertThat(client.get().uri(this.server.uri("/echo")).retrieve().toBodilessEntity().getStatusCode().value())
			.isEqualTo(200);
		assertThatExceptionOfType(FilteredHostException.class)
			.isThrownBy(() -> client.get().uri(this.server.uri("/redirect-elsewhere")).retrieve().toBodilessEntity())
			.satisfies((ex) -> assertThat(ex.getHost()).isEqualTo("127.0.0.2"));
		assertThat(this.server.cookies()).hasSize(2);
	}

	@Test
	void theTransportsFilterIsBootsFilter() throws IOException {
		AddressFilter filter = this.transport.addressFilter();
		assertThat(filter.permits(InetAddress.getByName("127.0.0.1"))).isTrue();
		assertThat(filter.permits(InetAddress.getByName("127.0.0.2"))).isFalse();
		assertThat(RoundtripClientHttpRequestFactoryBuilder.addressFilter(HttpClientSettings.defaults())).isNull();
	}

	@Test
	void settingsWithAFilterTheTransportLacksFailTheBuildInsteadOfGoingUnprotected() {
		try (Transport unfiltered = Transport.builder().build()) {
			assertThatIllegalStateException()
				.isThrownBy(() -> new RoundtripClientHttpRequestFactoryBuilder(unfiltered).build(SETTINGS))
				.withMessageContaining("InetAddressFilter");
		}
		assertThatIllegalStateException().isThrownBy(() -> this.builder
			.build(HttpClientSettings.defaults().withInetAddressFilter(InetAddressFilter.externalAddresses())));
	}

	@Test
	void settingsWithoutAFilterStillSendThroughTheFilteredTransport() {
		RestClient client = RestClient.builder().requestFactory(this.builder.build()).build();
		assertThatExceptionOfType(FilteredHostException.class)
			.isThrownBy(() -> client.get().uri("http://127.0.0.2:9/").retrieve().toBodilessEntity());
	}

}
