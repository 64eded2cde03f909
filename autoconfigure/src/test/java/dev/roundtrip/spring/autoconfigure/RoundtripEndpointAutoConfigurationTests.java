package dev.roundtrip.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.roundtrip.spring.actuate.RoundtripEndpoint;
import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/** When the {@code roundtrip} endpoint appears. */
class RoundtripEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(RoundtripTransportAutoConfiguration.class, RoundtripEndpointAutoConfiguration.class));

	@Test
	void appearsWhenExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=roundtrip")
			.run((context) -> assertThat(context).hasSingleBean(RoundtripEndpoint.class));
	}

	@Test
	void isAbsentWhenNotExposed() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(Transport.class)
			.doesNotHaveBean(RoundtripEndpoint.class));
	}

	@Test
	void isAbsentWhenItsAccessIsNone() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=roundtrip",
					"management.endpoint.roundtrip.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(RoundtripEndpoint.class));
	}

	@Test
	void isAbsentWithoutActuator() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=roundtrip")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RoundtripEndpoint.class));
	}

	@Test
	void isAbsentWithoutATransport() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=roundtrip",
					"roundtrip.transport.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RoundtripEndpoint.class));
	}

	@Test
	void coversTheApplicationsOwnTransports() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=roundtrip")
			.withBean("partnerTransport", Transport.class, () -> Transport.builder().build())
			.run((context) -> assertThat(context.getBean(RoundtripEndpoint.class).transports().transports())
				.containsOnlyKeys("partnerTransport", "roundtripTransport"));
	}

}
