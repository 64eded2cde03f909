package dev.roundtrip.spring.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.util.LambdaSafe;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ClientHttpRequestFactory;

import dev.roundtrip.spring.autoconfigure.RoundtripTransports.TransportListenerFactory;
import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactoryBuilder;
import dev.roundtrip.transport.Transport;
import dev.roundtrip.transport.TransportListener;

/**
 * Puts the Roundtrip transport under Spring Boot's auto-configured
 * {@code RestClient.Builder}, {@code RestTemplateBuilder} and HTTP service clients: one
 * {@link Transport} named {@value #TRANSPORT_BEAN}, configured by
 * {@code roundtrip.transport.*} and closed with the context, and the
 * {@link ClientHttpRequestFactoryBuilder} that Boot asks for a factory per client, every
 * factory sending through that one transport.
 *
 * <p>
 * The rules, with several pools or a choice of the application's own:
 * <ul>
 * <li>{@code Transport} beans of the application's own stand beside
 * {@value #TRANSPORT_BEAN}; the auto-configured clients keep using it unless one of them
 * is {@code @Primary} (or named {@value #TRANSPORT_BEAN}, replacing it). Build them with
 * {@link RoundtripTransports} to have them configured, listened to and metered as this
 * one is.</li>
 * <li>A {@code ClientHttpRequestFactoryBuilder} bean of the application's own wins, and
 * so does {@code spring.http.clients.imperative.factory}: when it names a factory, Boot's
 * builder for it applies (the transport stays, for direct use).</li>
 * <li>{@code roundtrip.transport.enabled=false} turns all of this off and Boot's default
 * builder comes back.</li>
 * </ul>
 * Runs before {@link ImperativeHttpClientAutoConfiguration}, whose builder then backs
 * off.
 */
@AutoConfiguration(before = ImperativeHttpClientAutoConfiguration.class, after = HttpClientAutoConfiguration.class)
@ConditionalOnClass({ Transport.class, ClientHttpRequestFactory.class })
@ConditionalOnBooleanProperty(name = "roundtrip.transport.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RoundtripTransportProperties.class)
@Import(RoundtripPropertiesCheck.class)
public final class RoundtripTransportAutoConfiguration {

	/** The name of the auto-configured transport bean: its {@code @Bean} method's. */
	public static final String TRANSPORT_BEAN = "roundtripTransport";

	/**
	 * Builds transports the way {@value #TRANSPORT_BEAN} is built; on Boot 4.1 with the
	 * {@code InetAddressFilter} of Boot's {@link HttpClientSettings} bean (the
	 * application's {@code InetAddressFilter} bean) as their address filter.
	 */
	@Bean
	@ConditionalOnMissingBean
	RoundtripTransports roundtripTransports(Environment environment, ObjectProvider<TransportListener> listeners,
			ObjectProvider<TransportListenerFactory> listenerFactories,
			ObjectProvider<TransportBuilderCustomizer> customizers, ObjectProvider<HttpClientSettings> settings) {
		return new RoundtripTransports(environment, listeners, listenerFactories, customizers,
				RoundtripClientHttpRequestFactoryBuilder.addressFilter(settings.getIfAvailable()));
	}

	/**
	 * The application's transport. Its settings come from the properties, its listener
	 * from the {@link TransportListener} beans (all of them, in order) and the metrics,
	 * then each {@link TransportBuilderCustomizer} has its say.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(name = TRANSPORT_BEAN)
	Transport roundtripTransport(RoundtripTransports transports, RoundtripTransportProperties properties) {
		return transports.builder(TRANSPORT_BEAN, properties).build();
	}

	/**
	 * The builder of every auto-configured client's request factory, over
	 * {@value #TRANSPORT_BEAN} or the application's {@code @Primary} transport;
	 * {@link ClientHttpRequestFactoryBuilderCustomizer} beans whose type matches are
	 * applied, as Boot does for its own builders.
	 */
	@Bean
	@ConditionalOnMissingBean(ClientHttpRequestFactoryBuilder.class)
	@Conditional(NoExplicitRequestFactoryCondition.class)
	ClientHttpRequestFactoryBuilder<?> roundtripClientHttpRequestFactoryBuilder(BeanFactory beanFactory,
			ObjectProvider<Transport> transports,
			ObjectProvider<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers) {
		Transport transport = transports.getIfUnique(() -> beanFactory.getBean(TRANSPORT_BEAN, Transport.class));
		return customize(new RoundtripClientHttpRequestFactoryBuilder(transport), customizers.orderedStream().toList());
	}

	@SuppressWarnings("unchecked")
	private static ClientHttpRequestFactoryBuilder<?> customize(ClientHttpRequestFactoryBuilder<?> builder,
			List<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers) {
		ClientHttpRequestFactoryBuilder<?>[] customized = { builder };
		LambdaSafe.callbacks(ClientHttpRequestFactoryBuilderCustomizer.class, customizers, customized[0])
			.invoke((customizer) -> customized[0] = customizer.customize(customized[0]));
		return customized[0];
	}

}
