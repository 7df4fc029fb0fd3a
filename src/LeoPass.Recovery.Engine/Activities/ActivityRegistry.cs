namespace LeoPass.Recovery.Engine.Activities;

/// <summary>One activity class registered with <see cref="ActivityServiceCollectionExtensions.AddActivity{TActivity}"/>.</summary>
public sealed record ActivityRegistration(ActivityDescriptor Descriptor, Type ImplementationType);

/// <summary>The activity types this process can run, by type name. Definitions are validated against it.</summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, ActivityRegistration> _byType = new(StringComparer.Ordinal);

    public ActivityRegistry(IEnumerable<ActivityRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            var type = registration.Descriptor.Type;
            if (_byType.TryGetValue(type, out var existing) && existing.ImplementationType != registration.ImplementationType)
            {
                throw new InvalidOperationException(
                    $"activity type '{type}' is registered twice: by {existing.ImplementationType.FullName} and {registration.ImplementationType.FullName}");
            }
            _byType[type] = registration;
        }
    }

    public IReadOnlyCollection<ActivityRegistration> All => _byType.Values;

    public ActivityRegistration? Find(string type) => _byType.GetValueOrDefault(type);

    public ActivityRegistration Get(string type) => Find(type)
        ?? throw new InvalidOperationException($"activity type '{type}' is not registered in this process (known: {string.Join(", ", _byType.Keys.Order())})");
}
