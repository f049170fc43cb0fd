from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('user', fields.CharField(max_length=128)),
                ('role', fields.CharField(max_length=16)),
                ('namespaces', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('token_hash', fields.CharField(unique=True, max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.CharField(null=True, max_length=128)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_tokens', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An API token (AUTH_MODE=token). Only a hash of the secret is stored.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JobLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('job', fields.ForeignKeyField('models.TrainingJob', source_field='job_id', db_constraint=True, to_field='id', related_name='logs', on_delete=OnDelete.CASCADE)),
                ('cluster', fields.CharField(max_length=253)),
                ('pod', fields.CharField(max_length=253)),
                ('container', fields.CharField(default='', db_default='', max_length=253)),
                ('content', fields.TextField(default='', db_default='', unique=False)),
                ('line_count', fields.IntField(default=0, db_default=0)),
                ('truncated', fields.BooleanField(default=False, db_default=False)),
                ('archived_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job_logs', 'app': 'models', 'unique_together': (('job', 'cluster', 'pod', 'container'),), 'pk_attr': 'id', 'table_description': 'The archived log of one container of one pod of a job (bounded, newest lines kept).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='TrainingJob',
            name='client_request_id',
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddField(
            model_name='TrainingJob',
            name='deleted_by',
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddField(
            model_name='TrainingJob',
            name='logs_archived_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='TrainingJob',
            name='stopped_by',
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddField(
            model_name='TrainingJob',
            name='workload_deleted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddConstraint(
            model_name='TrainingJob',
            constraint=UniqueConstraint(fields=('namespace', 'client_request_id'), name=None),
        ),
    ]
