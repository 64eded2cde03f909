package dev.roundtrip.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.roundtrip.spring.metrics.TransportMetrics;
import dev.roundtrip.transport.Transport;

/**
 * Micrometer metrics of the auto-configured transport's pool, when micrometer-core is on
 * the class path and there is a {@link MeterRegistry}: a {@link TransportMetrics} bean,
 * which Boot binds to the registry as a {@link MeterBinder} and
 * {@link RoundtripTransportAutoConfiguration} composes into the transport as one of its
 * listeners. Its meters are tagged {@code transport=roundtripTransport}, the
 * auto-configured bean's name.
 *
 * <p>
 * A {@code Transport} bean of the application's own gets no metrics from here: the
 * transport is immutable once built and takes its listener only from its builder, so
 * nothing short of wrapping the bean could add one. Such an application declares its own
 * {@code TransportMetrics} bean (this one then backs off) and passes it to
 * {@code Transport.Builder.listener(..)}:
 *
 * <pre class="code">
 * &#64;Bean
 * TransportMetrics apiTransportMetrics(ObjectProvider&lt;Transport&gt; apiTransport) {
 *     return new TransportMetrics("apiTransport", apiTransport::getObject);
 * }
 *
 * &#64;Bean(destroyMethod = "close")
 * Transport apiTransport(TransportMetrics apiTransportMetrics) {
 *     return Transport.builder().maxConnsPerHost(16).listener(apiTransportMetrics).build();
 * }
 * </pre>
 *
 * {@code roundtrip.transport.metrics.enabled=false} turns the metrics off.
 */
@AutoConfiguration(after = { MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
		SimpleMetricsExportAutoConfiguration.class, RoundtripTransportAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class, Transport.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "roundtrip.transport.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RoundtripMetricsProperties.class)
public final class RoundtripMetricsAutoConfiguration {

	/**
	 * The name of {@link RoundtripTransportAutoConfiguration}'s transport bean: its
	 * {@code @Bean} method's.
	 */
	static final String TRANSPORT_BEAN = "roundtripTransport";

	/**
	 * The metrics of the auto-configured transport. It asks the bean factory for the
	 * transport only when a gauge is read or a destination is first seen, after the
	 * transport (which needs this listener) is built.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(value = Transport.class, name = TRANSPORT_BEAN)
	TransportMetrics roundtripTransportMetrics(BeanFactory beanFactory, RoundtripMetricsProperties properties) {
		return new TransportMetrics(TRANSPORT_BEAN, () -> beanFactory.getBean(TRANSPORT_BEAN, Transport.class),
				properties.getMaxDestinations());
	}

}
