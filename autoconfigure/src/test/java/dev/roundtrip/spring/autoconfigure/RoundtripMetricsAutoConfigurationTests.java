package dev.roundtrip.spring.autoconfigure;

import java.io.IOException;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.roundtrip.spring.metrics.TransportMetrics;
import dev.roundtrip.spring.testing.LoopbackServer;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/** When the pool metrics appear, what they are tagged, and when they back off. */
class RoundtripMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RoundtripTransportAutoConfiguration.class,
				RoundtripMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));

	private LoopbackServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new LoopbackServer();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void metricsOfTheAutoConfiguredTransportAreBoundAndFedByItsEvents() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(TransportMetricsBinder.class);
			Transport transport = context.getBean("roundtripTransport", Transport.class);
			get(transport);
			get(transport);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(TransportMetrics.WAIT_TIME)
				.tag("transport", "roundtripTransport")
				.tag("server.address", "127.0.0.1")
				.tag("server.port", Integer.toString(this.server.port()))
				.tag("url.scheme", "http")
				.tag("outcome", "reused")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get(TransportMetrics.OPEN_CONNECTIONS)
				.tag("http.connection.state", "idle")
				.gauge()
				.value()).isEqualTo(1);
		});
	}

	@Test
	void maxDestinationsIsBound() {
		this.runner.withPropertyValues("roundtrip.transport.metrics.max-destinations=0").run((context) -> {
			get(context.getBean(Transport.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(TransportMetrics.WAIT_TIME).timer().getId().getTag("server.address"))
				.isEqualTo(TransportMetrics.OTHER);
		});
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RoundtripTransportAutoConfiguration.class,
					RoundtripMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(Transport.class)
				.doesNotHaveBean(TransportMetricsBinder.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Transport.class)
				.doesNotHaveBean(TransportMetricsBinder.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("roundtrip.transport.metrics.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(Transport.class)
				.doesNotHaveBean(TransportMetricsBinder.class));
	}

	@Test
	void backsOffWithTheTransport() {
		this.runner.withPropertyValues("roundtrip.transport.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Transport.class)
				.doesNotHaveBean(TransportMetricsBinder.class));
	}

	@Test
	void everyTransportBuiltThroughRoundtripTransportsIsMeteredUnderItsBeanName() {
		this.runner.withUserConfiguration(SecondPool.class).run((context) -> {
			get(context.getBean("roundtripTransport", Transport.class));
			get(context.getBean("apiTransport", Transport.class));
			get(context.getBean("apiTransport", Transport.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(TransportMetrics.WAIT_TIME).tag("transport", "roundtripTransport").timer().count())
				.isEqualTo(1);
			assertThat(registry.get(TransportMetrics.WAIT_TIME).tag("transport", "apiTransport").timers())
				.extracting((timer) -> timer.count())
				.containsExactlyInAnyOrder(1L, 1L);
			assertThat(registry.get(TransportMetrics.OPEN_CONNECTIONS)
				.tag("transport", "apiTransport")
				.tag("http.connection.state", "idle")
				.gauge()
				.value()).isEqualTo(1);
			assertThat(context.getBean(TransportMetricsBinder.class).metrics()).containsOnlyKeys("roundtripTransport",
					"apiTransport");
		});
	}

	@Test
	void aBareTransportOfTheApplicationsOwnLeavesTheAutoConfiguredOneMetered() {
		this.runner.withUserConfiguration(OwnTransport.class).run((context) -> {
			assertThat(context).hasNotFailed();
			get(context.getBean("roundtripTransport", Transport.class));
			get(context.getBean("apiTransport", Transport.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(TransportMetrics.WAIT_TIME).timers()).singleElement()
				.satisfies((timer) -> assertThat(timer.getId().getTag("transport")).isEqualTo("roundtripTransport"));
		});
	}

	@Test
	void aTransportMetricsBeanGoesOnlyToItsOwnTransport() {
		this.runner.withUserConfiguration(OwnTransportWithMetrics.class).run((context) -> {
			get(context.getBean("roundtripTransport", Transport.class));
			get(context.getBean("apiTransport", Transport.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(TransportMetrics.WAIT_TIME).tag("transport", "apiTransport").timer().count())
				.isEqualTo(1);
			assertThat(registry.get(TransportMetrics.WAIT_TIME).tag("transport", "roundtripTransport").timer().count())
				.isEqualTo(1);
			assertThat(registry.get(TransportMetrics.OPEN_CONNECTIONS)
				.tag("transport", "apiTransport")
				.tag("http.connection.state", "idle")
				.gauge()
				.value()).isEqualTo(1);
		});
	}

	private void get(Transport transport) throws IOException {
		try (Response response = transport.roundTrip(Request.get(this.server.uri("/hello")))) {
			response.body().readAllBytes();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTransport {

		@Bean(destroyMethod = "close")
		Transport apiTransport() {
			return Transport.builder().build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondPool {

		@Bean(destroyMethod = "close")
		Transport apiTransport(RoundtripTransports transports) {
			return transports.builder("apiTransport", "api.transport").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTransportWithMetrics {

		@Bean
		TransportMetrics apiTransportMetrics(org.springframework.beans.factory.ObjectProvider<Transport> apiTransport) {
			return new TransportMetrics("apiTransport", apiTransport::getObject);
		}

		@Bean(destroyMethod = "close")
		Transport apiTransport(TransportMetrics apiTransportMetrics) {
			return Transport.builder().listener(apiTransportMetrics).build();
		}

	}

}
