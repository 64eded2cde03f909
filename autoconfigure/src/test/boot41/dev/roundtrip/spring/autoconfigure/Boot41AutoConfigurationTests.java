package dev.roundtrip.spring.autoconfigure;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.FilteredHostException;
import org.springframework.boot.http.client.InetAddressFilter;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactory;
import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Boot 4.1's InetAddressFilter bean and cookie handling, through the auto-configuration. */
class Boot41AutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RoundtripTransportAutoConfiguration.class, SslAutoConfiguration.class,
				HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
				RestClientAutoConfiguration.class));

	@Test
	void anInetAddressFilterBeanFiltersEveryTransportBuiltByRoundtrip() {
		InetAddressFilter filter = InetAddressFilter.all().andNot("127.0.0.2");
		this.runner.withBean(InetAddressFilter.class, () -> filter)
			.withUserConfiguration(RoundtripTransportAutoConfigurationTests.SecondPool.class)
			.run((context) -> {
				for (String name : new String[] { "roundtripTransport", "apiTransport" }) {
					Transport transport = context.getBean(name, Transport.class);
					assertThat(transport.addressFilter().permits(InetAddress.getByName("127.0.0.2"))).isFalse();
					assertThat(transport.addressFilter().permits(InetAddress.getByName("127.0.0.1"))).isTrue();
				}
				RestClient client = context.getBean(RestClient.Builder.class).build();
				assertThatExceptionOfType(FilteredHostException.class)
					.isThrownBy(() -> client.get().uri("http://127.0.0.2:9/").retrieve().toBodilessEntity())
					.satisfies((ex) -> assertThat(ex.getFilter()).isSameAs(filter));
			});
	}

	@Test
	void withoutAnInetAddressFilterBeanNothingIsFiltered() {
		this.runner.run((context) -> assertThat(context.getBean(Transport.class).addressFilter()).isNull());
	}

	@Test
	void cookieHandlingAppliesToTheAutoConfiguredFactories() {
		this.runner.withPropertyValues("spring.http.clients.cookie-handling=enable")
			.run((context) -> assertThat(
					((RoundtripClientHttpRequestFactory) context.getBean(ClientHttpRequestFactory.class))
						.getCookieHandler())
				.isNotNull());
		this.runner.run((context) -> assertThat(
				((RoundtripClientHttpRequestFactory) context.getBean(ClientHttpRequestFactory.class))
					.getCookieHandler())
			.isNull());
	}

}
