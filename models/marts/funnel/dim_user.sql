select
    user_key,
    user_id,
    user_name,
    email,
    team,
    title,
    user_role_id,
    role_name,
    manager_id,
    manager_name,
    time_zone,
    is_active,
    created_at
from {{ ref('int_users') }}
