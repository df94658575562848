using System.Runtime.ExceptionServices;

namespace Store.LocalHost.Functions;

/// <summary>What a function is invoked with: its trigger input (or a factory that needs the invocation's context, e.g. an HTTP request) and, for HTTP, the route values.</summary>
public sealed record InvocationInput(object? TriggerValue, IReadOnlyDictionary<string, string?>? RouteValues = null, Func<FunctionContext, object>? TriggerFactory = null);

/// <summary>
/// Invokes a discovered function the way the isolated worker does: a function class instance per invocation created
/// with <see cref="ActivatorUtilities"/> from the invocation's scoped services, parameters bound by type (trigger input,
/// <see cref="FunctionContext"/>, <see cref="CancellationToken"/>) and by name (HTTP route values), and the result awaited.
/// </summary>
public static class FunctionInvoker
{
    /// <summary>Invokes <paramref name="function"/> and returns its (awaited) result.</summary>
    public static async Task<object?> InvokeAsync(FunctionDescriptor function, IServiceProvider appServices, InvocationInput input, IReadOnlyDictionary<string, object?> bindingData, int retryCount, CancellationToken ct)
    {
        await using var scope = appServices.CreateAsyncScope();
        var context = new LocalFunctionContext(function, scope.ServiceProvider, bindingData, ct, retryCount, function.Retry?.MaxRetryCount ?? 0);
        var method = function.Method;
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        try
        {
            var arguments = method.GetParameters().Select(p => Bind(p, function, context, input, scope.ServiceProvider, ct)).ToArray();
            object? returned;
            try
            {
                returned = method.Invoke(target, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }

            return await UnwrapAsync(returned, method.ReturnType).ConfigureAwait(false);
        }
        finally
        {
            switch (target)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private static object? Bind(ParameterInfo parameter, FunctionDescriptor function, FunctionContext context, InvocationInput input, IServiceProvider services, CancellationToken ct)
    {
        var type = parameter.ParameterType;
        // By position, not by reference: ParameterInfo objects are not guaranteed unique (the runtime's cache of a method's
        // parameters is filled without a lock, so hosts discovering functions in parallel can hold different instances).
        if (function.EventHub?.Parameter.Position == parameter.Position || function.Http?.Parameter.Position == parameter.Position || function.Timer?.Parameter.Position == parameter.Position)
        {
            return ConvertTrigger(input.TriggerFactory is { } factory ? factory(context) : input.TriggerValue, type);
        }

        if (type == typeof(FunctionContext))
        {
            return context;
        }

        if (type == typeof(CancellationToken))
        {
            return ct;
        }

        if (parameter.Name is { } name && input.RouteValues is { } route && route.TryGetValue(name, out var value))
        {
            return value is null || type == typeof(string) ? value : Convert.ChangeType(value, Nullable.GetUnderlyingType(type) ?? type, CultureInfo.InvariantCulture);
        }

        if (services.GetService(type) is { } service)
        {
            return service;
        }

        return parameter.HasDefaultValue ? parameter.DefaultValue : type.IsValueType ? Activator.CreateInstance(type) : null;
    }

    private static object? ConvertTrigger(object? value, Type type)
    {
        if (value is null || type.IsInstanceOfType(value))
        {
            return value;
        }

        // Event Hubs triggers may also bind the bodies as strings or bytes.
        return value switch
        {
            EventData[] batch when type == typeof(string[]) => batch.Select(e => e.EventBody.ToString()).ToArray(),
            EventData[] batch when type == typeof(byte[][]) => batch.Select(e => e.EventBody.ToArray()).ToArray(),
            EventData single when type == typeof(string) => single.EventBody.ToString(),
            EventData single when type == typeof(byte[]) => single.EventBody.ToArray(),
            HttpRequestData => throw new NotSupportedException($"HTTP trigger parameters of type {type.Name} are not supported by the local host; use HttpRequestData."),
            _ => throw new NotSupportedException($"Cannot bind trigger input {value.GetType().Name} to {type.Name}."),
        };
    }

    private static async Task<object?> UnwrapAsync(object? returned, Type returnType)
    {
        switch (returned)
        {
            case Task task:
                await task.ConfigureAwait(false);
                return returnType.IsGenericType ? returnType.GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return null;
            default:
                if (returned is not null && returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
                {
                    var asTask = (Task)returnType.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(returned, null)!;
                    await asTask.ConfigureAwait(false);
                    return asTask.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(asTask);
                }

                return returned;
        }
    }
}
